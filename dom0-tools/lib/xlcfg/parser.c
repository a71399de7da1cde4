/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xl.cfg parser: a recursive-descent reading of xl's grammar
 * (Xen libxlu 4.17):
 *
 *   file    := { stmt }
 *   stmt    := end | KEY ( '=' | '+=' ) value end
 *   end     := NEWLINE | ';' | EOF
 *   value   := STRING | NUMBER | '[' nl* [ item { ',' nl* item } [ ',' nl* ] ] ']'
 *   item    := value nl*
 *
 * Lists may nest and may span lines; a trailing comma is allowed. A later
 * assignment to a key replaces an earlier one; '+=' appends a string to a
 * string or a list to a list (or assigns when the key is new). Parsing
 * stops at the first error, which is reported with its position and what
 * was expected there.
 */
#include "xlcfg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct xlcfg_lexer lx;
	struct xlcfg_ctx *ctx;
	struct xlcfg_file *file;
	int err;
};

static int fail(struct parser *ps, const struct xlcfg_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, const struct xlcfg_pos *pos, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!ps->err) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		xlcfg_error(ps->ctx, pos, "%s", msg);
		ps->err = -EINVAL;
	}
	return ps->err;
}

static void next(struct parser *ps)
{
	xlcfg_lex_next(&ps->lx);
	if (ps->lx.tok == TOK_ERROR && !ps->err) {
		ps->err = -EINVAL; /* the lexer has reported it */
	}
}

static void skip_newlines(struct parser *ps)
{
	while (!ps->err && ps->lx.tok == TOK_NEWLINE) {
		next(ps);
	}
}

static struct xlcfg_value *new_value(struct parser *ps, enum xlcfg_vkind kind)
{
	struct xlcfg_value *v = calloc(1, sizeof(*v));

	if (!v) {
		ps->err = -ENOMEM;
		xlcfg_error(ps->ctx, &ps->lx.tpos, "out of memory");
		return NULL;
	}
	v->kind = kind;
	v->pos = ps->lx.tpos;
	return v;
}

static struct xlcfg_value *parse_value(struct parser *ps, const char *key, unsigned int depth);

static struct xlcfg_value *parse_list(struct parser *ps, const char *key, unsigned int depth)
{
	struct xlcfg_value *list = new_value(ps, XLCFG_LIST), *item;
	struct xlcfg_pos open = ps->lx.tpos;
	size_t cap = 0;

	if (!list) {
		return NULL;
	}
	if (depth >= XLCFG_MAX_DEPTH) {
		fail(ps, &open, "lists nested too deeply in value of \"%s\"", key);
		goto err;
	}
	next(ps); /* '[' */
	skip_newlines(ps);
	while (!ps->err && ps->lx.tok != TOK_RBRACK) {
		if (list->nitems >= XLCFG_MAX_LIST) {
			fail(ps, &ps->lx.tpos, "too many items in list of \"%s\"", key);
			goto err;
		}
		item = parse_value(ps, key, depth + 1);
		if (!item) {
			goto err;
		}
		if (list->nitems == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct xlcfg_value **n = realloc(list->items, ncap * sizeof(*n));

			if (!n) {
				xlcfg_value_free(item);
				ps->err = -ENOMEM;
				goto err;
			}
			list->items = n;
			cap = ncap;
		}
		list->items[list->nitems++] = item;
		skip_newlines(ps);
		if (ps->err) {
			goto err;
		}
		if (ps->lx.tok == TOK_COMMA) {
			next(ps);
			skip_newlines(ps);
			continue;
		}
		if (ps->lx.tok != TOK_RBRACK) {
			fail(ps, &ps->lx.tpos, "expected ',' or ']' in list of \"%s\", found %s", key,
			     xlcfg_tok_name(ps->lx.tok));
			goto err;
		}
	}
	if (ps->err) {
		goto err;
	}
	next(ps); /* ']' */
	return list;
err:
	xlcfg_value_free(list);
	return NULL;
}

static struct xlcfg_value *parse_value(struct parser *ps, const char *key, unsigned int depth)
{
	struct xlcfg_value *v;

	switch (ps->lx.tok) {
	case TOK_STRING:
	case TOK_NUMBER:
		v = new_value(ps, ps->lx.tok == TOK_STRING ? XLCFG_STRING : XLCFG_NUMBER);
		if (!v) {
			return NULL;
		}
		/* take ownership of the token text */
		v->str = ps->lx.text;
		v->len = ps->lx.len;
		v->cols = ps->lx.cols;
		ps->lx.text = NULL;
		ps->lx.cols = NULL;
		next(ps);
		return v;
	case TOK_LBRACK:
		return parse_list(ps, key, depth);
	case TOK_ERROR:
		return NULL;
	default:
		fail(ps, &ps->lx.tpos,
		     "expected a value (a quoted string, a number or a [list]) for \"%s\", found %s", key,
		     xlcfg_tok_name(ps->lx.tok));
		return NULL;
	}
}

static struct xlcfg_setting *find_setting(const struct xlcfg_file *f, const char *key)
{
	struct xlcfg_setting *s, *found = NULL;

	for (s = f->head; s; s = s->next) {
		if (!strcmp(s->key, key)) {
			found = s;
		}
	}
	return found;
}

const struct xlcfg_setting *xlcfg_lookup(const struct xlcfg_file *f, const char *key)
{
	return f ? find_setting(f, key) : NULL;
}

/* Merges prev's value in front of v for '+='; v keeps its own position. */
static int append_values(struct parser *ps, const struct xlcfg_setting *prev,
			 struct xlcfg_value *v, const struct xlcfg_pos *op)
{
	const struct xlcfg_value *pv = prev->value;

	if ((pv->kind == XLCFG_LIST) != (v->kind == XLCFG_LIST)) {
		return fail(ps, op, "cannot use += to add %s to %s", v->kind == XLCFG_LIST ? "a list" : "a string",
			    pv->kind == XLCFG_LIST ? "a list" : "a string");
	}
	if (v->kind == XLCFG_LIST) {
		size_t n = pv->nitems + v->nitems, i;
		struct xlcfg_value **items;

		if (n > XLCFG_MAX_LIST) {
			return fail(ps, op, "too many items in list after +=");
		}
		items = calloc(n ? n : 1, sizeof(*items));
		if (!items) {
			return ps->err = -ENOMEM;
		}
		for (i = 0; i < pv->nitems; i++) {
			items[i] = xlcfg_value_dup(pv->items[i]);
			if (!items[i]) {
				while (i--) {
					xlcfg_value_free(items[i]);
				}
				free(items);
				return ps->err = -ENOMEM;
			}
		}
		if (v->nitems) {
			memcpy(items + pv->nitems, v->items, v->nitems * sizeof(*items));
		}
		free(v->items);
		v->items = items;
		v->nitems = n;
	} else {
		size_t n = pv->len + v->len;
		char *s;

		if (n > XLCFG_MAX_STRING) {
			return fail(ps, op, "string too long after +=");
		}
		s = malloc(n + 1);
		if (!s) {
			return ps->err = -ENOMEM;
		}
		memcpy(s, pv->str, pv->len);
		memcpy(s + pv->len, v->str, v->len + 1);
		free(v->str);
		free(v->cols);
		v->cols = NULL; /* positions inside a joined string are approximate */
		v->str = s;
		v->len = n;
		v->kind = XLCFG_STRING;
	}
	return 0;
}

static void parse_stmt(struct parser *ps)
{
	struct xlcfg_setting *set;
	struct xlcfg_pos kpos = ps->lx.tpos, opos;
	struct xlcfg_value *v;
	char *key;
	bool append;

	if (ps->lx.tok != TOK_IDENT) {
		fail(ps, &ps->lx.tpos, "expected a key at the start of a statement, found %s",
		     xlcfg_tok_name(ps->lx.tok));
		return;
	}
	key = ps->lx.text;
	ps->lx.text = NULL;
	next(ps);
	if (ps->err) {
		free(key);
		return;
	}
	if (ps->lx.tok != TOK_ASSIGN && ps->lx.tok != TOK_APPEND) {
		fail(ps, &ps->lx.tpos, "expected '=' after key \"%s\", found %s", key,
		     xlcfg_tok_name(ps->lx.tok));
		free(key);
		return;
	}
	append = ps->lx.tok == TOK_APPEND;
	opos = ps->lx.tpos;
	next(ps);
	v = ps->err ? NULL : parse_value(ps, key, 0);
	if (!v) {
		free(key);
		return;
	}
	if (ps->lx.tok != TOK_NEWLINE && ps->lx.tok != TOK_SEMI && ps->lx.tok != TOK_EOF) {
		if (ps->lx.tok != TOK_ERROR) {
			fail(ps, &ps->lx.tpos, "expected end of line or ';' after the value of \"%s\", found %s",
			     key, xlcfg_tok_name(ps->lx.tok));
		}
		goto err;
	}
	if (ps->file->nsettings >= XLCFG_MAX_SETTINGS) {
		fail(ps, &kpos, "too many settings in one file");
		goto err;
	}
	if (append) {
		const struct xlcfg_setting *prev = find_setting(ps->file, key);

		if (prev && append_values(ps, prev, v, &opos)) {
			goto err;
		}
	}
	set = calloc(1, sizeof(*set));
	if (!set) {
		ps->err = -ENOMEM;
		goto err;
	}
	set->key = key;
	set->pos = kpos;
	set->value = v;
	set->appended = append;
	if (ps->file->tail) {
		ps->file->tail->next = set;
	} else {
		ps->file->head = set;
	}
	ps->file->tail = set;
	ps->file->nsettings++;
	return;
err:
	free(key);
	xlcfg_value_free(v);
}

void xlcfg_file_free(struct xlcfg_file *f)
{
	struct xlcfg_setting *s, *n;

	if (!f) {
		return;
	}
	for (s = f->head; s; s = n) {
		n = s->next;
		free(s->key);
		xlcfg_value_free(s->value);
		free(s);
	}
	free(f);
}

int xlcfg_parse(struct xlcfg_ctx *ctx, const char *data, size_t len, struct xlcfg_file **out)
{
	struct parser ps = { .ctx = ctx };

	*out = NULL;
	if (len > XLCFG_MAX_FILE) {
		xlcfg_error(ctx, NULL, "configuration larger than %u bytes", XLCFG_MAX_FILE);
		return -EFBIG;
	}
	ps.file = calloc(1, sizeof(*ps.file));
	if (!ps.file) {
		return -ENOMEM;
	}
	xlcfg_lex_init(&ps.lx, ctx, data, len);
	next(&ps);
	while (!ps.err && ps.lx.tok != TOK_EOF) {
		if (ps.lx.tok == TOK_NEWLINE || ps.lx.tok == TOK_SEMI) {
			next(&ps);
			continue;
		}
		parse_stmt(&ps);
		if (!ps.err && ps.lx.tok != TOK_EOF) {
			next(&ps); /* the statement's end */
		}
	}
	xlcfg_lex_fini(&ps.lx);
	if (ps.err) {
		if (ps.err == -ENOMEM && !ctx->errors) {
			xlcfg_error(ctx, NULL, "out of memory");
		}
		xlcfg_file_free(ps.file);
		return ps.err;
	}
	*out = ps.file;
	return 0;
}
