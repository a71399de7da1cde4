/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: any bytes go through the parser and the model; whatever
 * is accepted must convert to JSON, back to a model, to xl.cfg text, parse
 * again and give the same JSON. A crash, sanitizer report, leak or mismatch
 * is a finding. Run briefly by `make test`, longer with `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

static void quiet(void *opaque, enum xlcfg_severity sev, const char *line)
{
	(void)opaque;
	(void)sev;
	(void)line;
}

static void check(int cond, const char *what, const char *a, const char *b)
{
	if (!cond) {
		fprintf(stderr, "fuzz_parser: %s\n--- a:\n%s\n--- b:\n%s\n", what, a ? a : "", b ? b : "");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlcfg_ctx ctx;
	struct xlcfg_domain *d = NULL, *d2 = NULL, *d3 = NULL;
	char *j1 = NULL, *cfg = NULL, *j2 = NULL, *j3 = NULL;

	xlcfg_ctx_init(&ctx, "fuzz.cfg");
	ctx.report = quiet;
	if (xlcfg_domain_from_text(&ctx, (const char *)data, size, &d)) {
		check(ctx.errors > 0, "failure without an error message", NULL, NULL);
		return 0;
	}
	check(!xlcfg_domain_to_json(d, &j1), "to_json failed", NULL, NULL);
	xlcfg_ctx_init(&ctx, "fuzz.json");
	ctx.report = quiet;
	check(!xlcfg_domain_from_json(&ctx, j1, strlen(j1), &d2), "own JSON rejected", j1, ctx.first_error);
	check(!xlcfg_domain_to_cfg(d2, &cfg), "to_cfg failed", j1, NULL);
	xlcfg_ctx_init(&ctx, "fuzz2.cfg");
	ctx.report = quiet;
	check(!xlcfg_domain_from_text(&ctx, cfg, strlen(cfg), &d3), "own config rejected", cfg, ctx.first_error);
	check(!xlcfg_domain_to_json(d3, &j2), "to_json failed", NULL, NULL);
	check(!strcmp(j1, j2), "config -> JSON -> config -> JSON changed the JSON", j1, j2);
	check(!xlcfg_domain_to_json(d2, &j3), "to_json failed", NULL, NULL);
	check(!strcmp(j1, j3), "JSON -> JSON changed the JSON", j1, j3);
	xlcfg_domain_free(d);
	xlcfg_domain_free(d2);
	xlcfg_domain_free(d3);
	free(j1);
	free(j2);
	free(j3);
	free(cfg);
	return 0;
}
