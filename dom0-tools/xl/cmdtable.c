/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table of xl subcommands. Commands that need the hypervisor (list,
 * destroy, console, ...) are added here as they become possible.
 */
#include "xl.h"

#include <stdio.h>
#include <string.h>

const struct cmd_spec cmd_table[] = {
	{ "create", main_create, false, "Create a domain from a config file",
	  "xl create [-n|--dryrun] [-q|--quiet] <configfile>" },
	{ "help", main_help, false, "Show this list of commands", "xl help" },
	/* hidden helpers for tests and tools */
	{ "json-to-cfg", main_json_to_cfg, true,
	  "Convert domain_config JSON (as printed by create -n) back to xl.cfg text",
	  "xl json-to-cfg <file.json|->" },
	{ "cfg-check", main_cfg_check, true, "Parse and validate a config file, printing only diagnostics",
	  "xl cfg-check <configfile>" },
};

const unsigned int cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);

const struct cmd_spec *cmd_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < cmd_table_len; i++) {
		if (!strcmp(cmd_table[i].name, name)) {
			return &cmd_table[i];
		}
	}
	return NULL;
}

int cmd_usage(const struct cmd_spec *cmd)
{
	fprintf(stderr, "Usage: %s\n", cmd->usage);
	return 2;
}
