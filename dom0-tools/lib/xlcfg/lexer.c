/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xl.cfg lexer. Lexical facts follow Xen's libxlu (4.17):
 *  - keys: a lower-case letter, then lower-case letters, digits, '_' or '.';
 *  - numbers: decimal digits or 0x followed by hex digits (kept as text; they
 *    are read with strtoll base 0 later, so a leading 0 means octal as in xl);
 *  - strings: '...' or "..." on one line, with backslash escapes
 *    \" \' \\ \a \b \f \n \r \t \v, \xHH and \ooo (1-3 octal digits);
 *  - '#' starts a comment that runs to the end of the line;
 *  - newline and ';' end a statement; '=', '+=', '[', ']', ',' are punctuation;
 *  - spaces, tabs and carriage returns separate tokens.
 * Strings must be valid UTF-8 without NUL bytes so that they survive the
 * conversion to JSON unchanged.
 */
#include "xlcfg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xlcfg_lex_init(struct xlcfg_lexer *lx, struct xlcfg_ctx *ctx, const char *data, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->ctx = ctx;
	lx->p = data;
	lx->end = data + len;
	lx->pos.line = 1;
	lx->pos.col = 1;
}

static void clear_text(struct xlcfg_lexer *lx)
{
	free(lx->text);
	free(lx->cols);
	lx->text = NULL;
	lx->cols = NULL;
	lx->len = 0;
}

void xlcfg_lex_fini(struct xlcfg_lexer *lx)
{
	clear_text(lx);
}

const char *xlcfg_tok_name(enum xlcfg_tok t)
{
	switch (t) {
	case TOK_EOF:
		return "end of file";
	case TOK_NEWLINE:
		return "end of line";
	case TOK_IDENT:
		return "a key";
	case TOK_NUMBER:
		return "a number";
	case TOK_STRING:
		return "a string";
	case TOK_ASSIGN:
		return "'='";
	case TOK_APPEND:
		return "'+='";
	case TOK_SEMI:
		return "';'";
	case TOK_LBRACK:
		return "'['";
	case TOK_RBRACK:
		return "']'";
	case TOK_COMMA:
		return "','";
	case TOK_ERROR:
		return "an invalid token";
	}
	return "?";
}

static void advance(struct xlcfg_lexer *lx, size_t n)
{
	while (n-- && lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->pos.line++;
			lx->pos.col = 1;
		} else {
			lx->pos.col++;
		}
		lx->p++;
	}
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ident_char(char c)
{
	return is_lower(c) || is_digit(c) || c == '_' || c == '.';
}

static int hexval(char c)
{
	if (is_digit(c)) {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return c - 'A' + 10;
}

static void set_text(struct xlcfg_lexer *lx, const char *s, size_t n)
{
	lx->text = malloc(n + 1);
	if (!lx->text) {
		return;
	}
	memcpy(lx->text, s, n);
	lx->text[n] = '\0';
	lx->len = n;
}

static enum xlcfg_tok lex_error(struct xlcfg_lexer *lx, const struct xlcfg_pos *pos,
				const char *msg)
{
	xlcfg_error(lx->ctx, pos, "%s", msg);
	return TOK_ERROR;
}

/* Lexes a quoted string starting at the quote under lx->p. */
static enum xlcfg_tok lex_string(struct xlcfg_lexer *lx)
{
	const char q = *lx->p;
	const char *s = lx->p + 1;
	struct xlcfg_pos start = lx->pos;
	size_t n = 0, i;
	bool escapes = false;
	char *out;
	uint32_t *cols;
	uint32_t col = lx->pos.col + 1;

	/* Find the closing quote first to size the buffers. */
	for (i = 0; s + i < lx->end && s[i] != q; i++) {
		if (s[i] == '\n') {
			break;
		}
		if (s[i] == '\\' && s + i + 1 < lx->end && s[i + 1] != '\n') {
			i++;
			escapes = true;
		}
	}
	if (s + i >= lx->end || s[i] != q) {
		return lex_error(lx, &start, "unterminated string (strings end on the line they start)");
	}
	if (i > XLCFG_MAX_STRING) {
		return lex_error(lx, &start, "string too long (more than 65536 bytes)");
	}
	out = malloc(i + 1);
	cols = escapes ? malloc((i + 1) * sizeof(*cols)) : NULL;
	if (!out || (escapes && !cols)) {
		free(out);
		free(cols);
		return lex_error(lx, &start, "out of memory");
	}
	for (const char *c = s; c < s + i;) {
		struct xlcfg_pos epos = { start.line, col };
		unsigned int v;
		size_t used = 1;

		if (cols) {
			cols[n] = col;
		}
		if (*c != '\\') {
			out[n++] = *c;
			c++;
			col++;
			continue;
		}
		switch (c[1]) {
		case '"':
		case '\'':
		case '\\':
			v = (unsigned char)c[1];
			break;
		case 'a':
			v = '\a';
			break;
		case 'b':
			v = '\b';
			break;
		case 'f':
			v = '\f';
			break;
		case 'n':
			v = '\n';
			break;
		case 'r':
			v = '\r';
			break;
		case 't':
			v = '\t';
			break;
		case 'v':
			v = '\v';
			break;
		case 'x':
			if (c + 3 >= s + i || !is_xdigit(c[2]) || !is_xdigit(c[3])) {
				free(out);
				free(cols);
				return lex_error(lx, &epos, "\\x must be followed by two hex digits");
			}
			v = (unsigned int)(hexval(c[2]) * 16 + hexval(c[3]));
			used = 3;
			break;
		default:
			if (c[1] >= '0' && c[1] <= '7') {
				v = 0;
				used = 0;
				while (used < 3 && c + 1 + used < s + i && c[1 + used] >= '0' &&
				       c[1 + used] <= '7') {
					v = v * 8 + (unsigned int)(c[1 + used] - '0');
					used++;
				}
				if (v > 0xff) {
					free(out);
					free(cols);
					return lex_error(lx, &epos, "octal escape out of range");
				}
				break;
			}
			free(out);
			free(cols);
			return lex_error(lx, &epos, "unknown escape sequence in string");
		}
		out[n++] = (char)v;
		c += 1 + used;
		col += 1 + (uint32_t)used;
	}
	out[n] = '\0';
	if (cols) {
		cols[n] = col;
	}
	if (!xlcfg_utf8_ok(out, n)) {
		free(out);
		free(cols);
		return lex_error(lx, &start, "string is not valid UTF-8 or contains a NUL byte");
	}
	lx->text = out;
	lx->len = n;
	lx->cols = cols;
	advance(lx, i + 2);
	return TOK_STRING;
}

static enum xlcfg_tok lex_one(struct xlcfg_lexer *lx)
{
	const char *p;
	size_t n;

	for (;;) {
		if (lx->p >= lx->end) {
			lx->tpos = lx->pos;
			return TOK_EOF;
		}
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			advance(lx, 1);
			continue;
		}
		break;
	}
	lx->tpos = lx->pos;
	p = lx->p;
	switch (*p) {
	case '#':
		while (lx->p < lx->end && *lx->p != '\n') {
			advance(lx, 1);
		}
		advance(lx, 1);
		return TOK_NEWLINE;
	case '\n':
		advance(lx, 1);
		return TOK_NEWLINE;
	case '=':
		advance(lx, 1);
		return TOK_ASSIGN;
	case '+':
		if (p + 1 < lx->end && p[1] == '=') {
			advance(lx, 2);
			return TOK_APPEND;
		}
		return lex_error(lx, &lx->tpos,
				 "unexpected '+' (only '+=' is allowed; arithmetic is not supported)");
	case ';':
		advance(lx, 1);
		return TOK_SEMI;
	case '[':
		advance(lx, 1);
		return TOK_LBRACK;
	case ']':
		advance(lx, 1);
		return TOK_RBRACK;
	case ',':
		advance(lx, 1);
		return TOK_COMMA;
	case '"':
	case '\'':
		return lex_string(lx);
	default:
		break;
	}
	if (is_lower(*p)) {
		for (n = 1; p + n < lx->end && is_ident_char(p[n]); n++) {
		}
		if (n > 256) {
			return lex_error(lx, &lx->tpos, "key too long");
		}
		set_text(lx, p, n);
		advance(lx, n);
		return lx->text ? TOK_IDENT : lex_error(lx, &lx->tpos, "out of memory");
	}
	if (is_digit(*p)) {
		if (*p == '0' && p + 2 < lx->end && (p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2])) {
			for (n = 2; p + n < lx->end && is_xdigit(p[n]); n++) {
			}
		} else {
			for (n = 1; p + n < lx->end && is_digit(p[n]); n++) {
			}
		}
		if (n > 64) {
			return lex_error(lx, &lx->tpos, "number too long");
		}
		set_text(lx, p, n);
		advance(lx, n);
		return lx->text ? TOK_NUMBER : lex_error(lx, &lx->tpos, "out of memory");
	}
	if ((*p >= 'A' && *p <= 'Z') || *p == '_') {
		return lex_error(lx, &lx->tpos,
				 "keys must start with a lower-case letter (and strings need quotes)");
	}
	if (*p == '-' || *p == '.' || *p == '(' || *p == ')' || *p == ':' || *p == '{' ||
	    *p == '}') {
		return lex_error(lx, &lx->tpos,
				 "unexpected character (this looks like Python, which xl.cfg is not; "
				 "negative or fractional numbers need quotes)");
	}
	if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
		return lex_error(lx, &lx->tpos, "unexpected control or non-ASCII character");
	}
	{
		char msg[64];

		snprintf(msg, sizeof(msg), "unexpected character '%c'", *p);
		return lex_error(lx, &lx->tpos, msg);
	}
}

void xlcfg_lex_next(struct xlcfg_lexer *lx)
{
	clear_text(lx);
	lx->tok = lex_one(lx);
}
