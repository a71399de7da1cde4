/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Diagnostics: every error and warning is one line "SOURCE:LINE:COL: ...",
 * handed to the context's report callback (stderr by default).
 */
#include "xlcfg_int.h"

#include <stdio.h>
#include <string.h>

void xlcfg_ctx_init(struct xlcfg_ctx *ctx, const char *source)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->source = source ? source : "<config>";
}

static void report(struct xlcfg_ctx *ctx, enum xlcfg_severity sev, const struct xlcfg_pos *pos,
		   const char *fmt, va_list ap)
{
	char msg[400], line[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (pos) {
		snprintf(line, sizeof(line), "%s:%u:%u: %s%s", ctx->source, pos->line, pos->col,
			 sev == XLCFG_WARNING ? "warning: " : "", msg);
	} else {
		snprintf(line, sizeof(line), "%s: %s%s", ctx->source,
			 sev == XLCFG_WARNING ? "warning: " : "", msg);
	}
	if (sev == XLCFG_ERROR) {
		if (!ctx->errors) {
			snprintf(ctx->first_error, sizeof(ctx->first_error), "%s", line);
		}
		ctx->errors++;
	} else {
		ctx->warnings++;
	}
	if (ctx->report) {
		ctx->report(ctx->opaque, sev, line);
	} else {
		fprintf(stderr, "%s\n", line);
	}
}

void xlcfg_error(struct xlcfg_ctx *ctx, const struct xlcfg_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ctx, XLCFG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void xlcfg_warn(struct xlcfg_ctx *ctx, const struct xlcfg_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ctx, XLCFG_WARNING, pos, fmt, ap);
	va_end(ap);
}

struct xlcfg_pos xlcfg_value_pos_at(const struct xlcfg_value *v, size_t off)
{
	struct xlcfg_pos p = v->pos;

	if (v->kind != XLCFG_STRING) {
		return p;
	}
	if (off > v->len) {
		off = v->len;
	}
	if (v->cols) {
		/* cols has len + 1 entries: the last one is the closing quote. */
		p.col = v->cols[off];
	} else {
		p.col = v->pos.col + 1 + (uint32_t)off; /* + 1 for the opening quote */
	}
	return p;
}

void xlcfg_quote_for_msg(char *buf, size_t size, const char *s)
{
	size_t i, o = 0;

	if (!size) {
		return;
	}
	for (i = 0; s[i] && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
		if (o >= 60 && s[i + 1]) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
	}
	buf[o] = '\0';
}
