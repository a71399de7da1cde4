/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain creation. For now only the dry run: `xl create -n cfg` parses and
 * validates the configuration and prints it as libxl domain_config JSON,
 * like Xen's xl does; creating the domain needs the hypervisor interfaces.
 * Also the hidden helpers json-to-cfg and cfg-check used by the tests.
 */
#include "xl.h"
#include "xlcfg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_domain(const char *path, bool json, struct xlcfg_domain **d)
{
	struct xlcfg_ctx ctx;
	char *data = NULL;
	size_t len = 0;
	int rc;

	xlcfg_ctx_init(&ctx, path);
	if (!strcmp(path, "-")) {
		/* read standard input, bounded like files */
		data = malloc(XLCFG_MAX_FILE + 2);
		if (!data) {
			return -1;
		}
		len = fread(data, 1, XLCFG_MAX_FILE + 1, stdin);
		if (len > XLCFG_MAX_FILE) {
			fprintf(stderr, "-: input larger than %u bytes\n", XLCFG_MAX_FILE);
			free(data);
			return -1;
		}
		data[len] = '\0';
	} else if (xlcfg_read_file(&ctx, path, &data, &len)) {
		return -1;
	}
	rc = json ? xlcfg_domain_from_json(&ctx, data, len, d) : xlcfg_domain_from_text(&ctx, data, len, d);
	free(data);
	return rc ? -1 : 0;
}

int main_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dryrun", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_spec *self = cmd_find("create");
	struct xlcfg_domain *d;
	bool dryrun = false, quiet = false;
	char *json;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dryrun = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf("Usage: %s\n", self->usage);
			return 0;
		default:
			return cmd_usage(self);
		}
	}
	if (optind != argc - 1) {
		return cmd_usage(self);
	}
	if (!quiet) {
		fprintf(stderr, "Parsing config from %s\n", argv[optind]);
	}
	if (load_domain(argv[optind], false, &d)) {
		return 1;
	}
	if (!dryrun) {
		fprintf(stderr, "xl create: starting domains needs the Argon hypervisor, which this "
				"toolstack cannot drive yet; use -n for a dry run\n");
		xlcfg_domain_free(d);
		return 1;
	}
	if (xlcfg_domain_to_json(d, &json)) {
		fprintf(stderr, "xl create: cannot render the configuration as JSON\n");
		xlcfg_domain_free(d);
		return 1;
	}
	fputs(json, stdout);
	free(json);
	xlcfg_domain_free(d);
	return 0;
}

int main_json_to_cfg(int argc, char **argv)
{
	struct xlcfg_domain *d;
	char *cfg;

	if (argc != 2) {
		return cmd_usage(cmd_find("json-to-cfg"));
	}
	if (load_domain(argv[1], true, &d)) {
		return 1;
	}
	if (xlcfg_domain_to_cfg(d, &cfg)) {
		fprintf(stderr, "xl json-to-cfg: this configuration cannot be written as xl.cfg\n");
		xlcfg_domain_free(d);
		return 1;
	}
	fputs(cfg, stdout);
	free(cfg);
	xlcfg_domain_free(d);
	return 0;
}

int main_cfg_check(int argc, char **argv)
{
	struct xlcfg_domain *d;

	if (argc != 2) {
		return cmd_usage(cmd_find("cfg-check"));
	}
	if (load_domain(argv[1], false, &d)) {
		return 1;
	}
	xlcfg_domain_free(d);
	return 0;
}
