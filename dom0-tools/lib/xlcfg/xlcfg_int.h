/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces of libxlcfg, shared between its files. Not installed.
 */
#ifndef ARGON_XLCFG_INT_H
#define ARGON_XLCFG_INT_H

#include "xlcfg.h"

#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- diagnostics (diag.c) ---- */

/** Reports an error at pos (pos NULL: no position) and counts it. */
void xlcfg_error(struct xlcfg_ctx *ctx, const struct xlcfg_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Reports a warning at pos (pos NULL: no position) and counts it. */
void xlcfg_warn(struct xlcfg_ctx *ctx, const struct xlcfg_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Returns the position of byte off inside string value v (for errors inside specs). */
struct xlcfg_pos xlcfg_value_pos_at(const struct xlcfg_value *v, size_t off);

/** Copies s into a bounded, printable form for messages ("..." appended when cut). */
void xlcfg_quote_for_msg(char *buf, size_t size, const char *s);

/* ---- lexer (lexer.c) ---- */

/** Token types of the xl.cfg language. */
enum xlcfg_tok {
	TOK_EOF,
	TOK_NEWLINE, /* a newline, or a comment running to one */
	TOK_IDENT,
	TOK_NUMBER,
	TOK_STRING,
	TOK_ASSIGN,  /* = */
	TOK_APPEND,  /* += */
	TOK_SEMI,    /* ; */
	TOK_LBRACK,  /* [ */
	TOK_RBRACK,  /* ] */
	TOK_COMMA,   /* , */
	TOK_ERROR,   /* a lexical error, already reported */
};

/** The lexer's state over one buffer. */
struct xlcfg_lexer {
	struct xlcfg_ctx *ctx;
	const char *p, *end;
	struct xlcfg_pos pos;    /* of *p */
	/* the current token */
	enum xlcfg_tok tok;
	struct xlcfg_pos tpos;   /* of the token's first character */
	char *text;              /* IDENT/NUMBER/STRING text (malloc'd, owned by the lexer) */
	size_t len;
	uint32_t *cols;          /* STRING with escapes: column of each byte */
};

/** Starts lexing data[0..len). */
void xlcfg_lex_init(struct xlcfg_lexer *lx, struct xlcfg_ctx *ctx, const char *data, size_t len);

/** Advances to the next token (lx->tok). */
void xlcfg_lex_next(struct xlcfg_lexer *lx);

/** Releases the lexer's current token text. */
void xlcfg_lex_fini(struct xlcfg_lexer *lx);

/** Describes a token type for "expected X, found Y" messages. */
const char *xlcfg_tok_name(enum xlcfg_tok t);

/* ---- values (value.c) ---- */

/** Frees a value tree. */
void xlcfg_value_free(struct xlcfg_value *v);

/** Deep-copies a value; NULL on allocation failure. */
struct xlcfg_value *xlcfg_value_dup(const struct xlcfg_value *v);

/** True if s is a whole integer as xl reads numbers (strtoll base 0: 0x.., 0.. octal). */
bool xlcfg_parse_int(const char *s, long long *out);

/** True if s is valid UTF-8 with no NUL. */
bool xlcfg_utf8_ok(const char *s, size_t len);

/** Returns a malloc'd copy of s (NULL on allocation failure). */
char *xlcfg_strdup(const char *s);

/** Returns a malloc'd printf result (NULL on failure). */
char *xlcfg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- a growable output buffer (value.c) ---- */

/** An append-only string buffer; err is set once an allocation failed. */
struct xlcfg_buf {
	char *s;
	size_t len, cap;
	bool err;
};

/** Appends formatted text to b. */
void xlcfg_buf_printf(struct xlcfg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Appends s as an xl.cfg double-quoted string literal with escapes. */
void xlcfg_buf_quote(struct xlcfg_buf *b, const char *s);

#endif /* ARGON_XLCFG_INT_H */
