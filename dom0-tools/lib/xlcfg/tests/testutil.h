/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the libxlcfg unit tests: collect diagnostics instead of
 * printing them, and run text through the library's layers.
 */
#ifndef ARGON_XLCFG_TESTUTIL_H
#define ARGON_XLCFG_TESTUTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xlcfg.h"

/** All diagnostics of one run, one line each. */
struct diags {
	char text[8192];
	size_t len;
};

static void collect(void *opaque, enum xlcfg_severity sev, const char *line)
{
	struct diags *d = opaque;
	int n;

	(void)sev;
	n = snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s\n", line);
	if (n > 0 && d->len + (size_t)n < sizeof(d->text)) {
		d->len += (size_t)n;
	}
}

static inline void ctx_collect(struct xlcfg_ctx *ctx, struct diags *d, const char *source)
{
	memset(d, 0, sizeof(*d));
	xlcfg_ctx_init(ctx, source);
	ctx->report = collect;
	ctx->opaque = d;
}

/** Parses and validates text as "t.cfg"; returns the domain or NULL, diagnostics in d. */
static inline struct xlcfg_domain *domain_of(const char *text, struct diags *d, struct xlcfg_ctx *ctx)
{
	struct xlcfg_domain *dom = NULL;

	ctx_collect(ctx, d, "t.cfg");
	xlcfg_domain_from_text(ctx, text, strlen(text), &dom);
	return dom;
}

/** Asserts that text fails with exactly this first error line. */
static inline void expect_error(const char *text, const char *error)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_domain *dom = domain_of(text, &d, &ctx);

	if (dom || strcmp(ctx.first_error, error)) {
		print_error("input:\n%s\nexpected error: %s\ngot: %s\nall diagnostics:\n%s\n", text, error,
			    dom ? "(success)" : ctx.first_error, d.text);
	}
	assert_null(dom);
	assert_string_equal(ctx.first_error, error);
	xlcfg_domain_free(dom);
}

/** Returns the JSON of text (malloc'd), failing the test if it does not parse. */
static inline char *json_of(const char *text)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_domain *dom = domain_of(text, &d, &ctx);
	char *json = NULL;

	if (!dom) {
		print_error("input:\n%s\ndiagnostics:\n%s\n", text, d.text);
	}
	assert_non_null(dom);
	assert_int_equal(xlcfg_domain_to_json(dom, &json), 0);
	xlcfg_domain_free(dom);
	return json;
}

/** Asserts that the JSON of text contains needle. */
static inline void expect_json_has(const char *text, const char *needle)
{
	char *json = json_of(text);

	if (!strstr(json, needle)) {
		print_error("input:\n%s\nJSON:\n%s\nmissing: %s\n", text, json, needle);
	}
	assert_non_null(strstr(json, needle));
	free(json);
}

/** Asserts that the JSON of text does not contain needle. */
static inline void expect_json_lacks(const char *text, const char *needle)
{
	char *json = json_of(text);

	if (strstr(json, needle)) {
		print_error("input:\n%s\nJSON:\n%s\nunexpected: %s\n", text, json, needle);
	}
	assert_null(strstr(json, needle));
	free(json);
}

#endif /* ARGON_XLCFG_TESTUTIL_H */
