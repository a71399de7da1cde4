/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value trees and small string helpers shared by the library.
 */
#include "xlcfg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xlcfg_value_free(struct xlcfg_value *v)
{
	size_t i;

	if (!v) {
		return;
	}
	for (i = 0; i < v->nitems; i++) {
		xlcfg_value_free(v->items[i]);
	}
	free(v->items);
	free(v->str);
	free(v->cols);
	free(v);
}

struct xlcfg_value *xlcfg_value_dup(const struct xlcfg_value *v)
{
	struct xlcfg_value *n = calloc(1, sizeof(*n));
	size_t i;

	if (!n) {
		return NULL;
	}
	n->kind = v->kind;
	n->pos = v->pos;
	if (v->str) {
		n->str = malloc(v->len + 1);
		if (!n->str) {
			goto fail;
		}
		memcpy(n->str, v->str, v->len + 1);
		n->len = v->len;
	}
	if (v->cols) {
		n->cols = malloc((v->len + 1) * sizeof(*n->cols));
		if (!n->cols) {
			goto fail;
		}
		memcpy(n->cols, v->cols, (v->len + 1) * sizeof(*n->cols));
	}
	if (v->nitems) {
		n->items = calloc(v->nitems, sizeof(*n->items));
		if (!n->items) {
			goto fail;
		}
		for (i = 0; i < v->nitems; i++) {
			n->items[i] = xlcfg_value_dup(v->items[i]);
			if (!n->items[i]) {
				goto fail;
			}
			n->nitems = i + 1;
		}
	}
	return n;
fail:
	xlcfg_value_free(n);
	return NULL;
}

bool xlcfg_parse_int(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s) {
		return false;
	}
	/* strtoll would accept leading blanks and a sign; xl numbers are bare. */
	if (*s == ' ' || *s == '\t' || *s == '+') {
		return false;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || end == s) {
		return false;
	}
	*out = v;
	return true;
}

bool xlcfg_utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		unsigned char c = *p;
		size_t n, i;
		uint32_t cp;

		if (c == 0) {
			return false;
		}
		if (c < 0x80) {
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(e - p) <= n) {
			return false;
		}
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
			return false;
		}
		p += n + 1;
	}
	return true;
}

char *xlcfg_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d) {
		memcpy(d, s, n);
	}
	return d;
}

char *xlcfg_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return NULL;
	}
	s = malloc((size_t)n + 1);
	if (!s) {
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void buf_reserve(struct xlcfg_buf *b, size_t more)
{
	size_t need, cap;
	char *n;

	if (b->err) {
		return;
	}
	need = b->len + more + 1;
	if (need <= b->cap) {
		return;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		cap *= 2;
	}
	n = realloc(b->s, cap);
	if (!n) {
		b->err = true;
		return;
	}
	b->s = n;
	b->cap = cap;
}

void xlcfg_buf_printf(struct xlcfg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = true;
		return;
	}
	buf_reserve(b, (size_t)n);
	if (b->err) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void xlcfg_buf_quote(struct xlcfg_buf *b, const char *s)
{
	xlcfg_buf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			xlcfg_buf_printf(b, "\\\"");
			break;
		case '\\':
			xlcfg_buf_printf(b, "\\\\");
			break;
		case '\n':
			xlcfg_buf_printf(b, "\\n");
			break;
		case '\t':
			xlcfg_buf_printf(b, "\\t");
			break;
		case '\r':
			xlcfg_buf_printf(b, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				xlcfg_buf_printf(b, "\\x%02x", c);
			} else {
				xlcfg_buf_printf(b, "%c", c);
			}
		}
	}
	xlcfg_buf_printf(b, "\"");
}
