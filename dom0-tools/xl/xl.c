/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl's entry point: find the subcommand in the table and run it.
 * Exit status: 0 success, 1 failure, 2 bad usage or unknown command.
 */
#include "xl.h"

#include <stdio.h>
#include <string.h>

int main_help(int argc, char **argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	printf("Usage: xl <subcommand> [args]\n\nSubcommands:\n");
	for (i = 0; i < cmd_table_len; i++) {
		if (!cmd_table[i].hidden) {
			printf("  %-14s %s\n", cmd_table[i].name, cmd_table[i].help);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd_spec *cmd;

	if (argc < 2) {
		main_help(0, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		return main_help(0, NULL);
	}
	cmd = cmd_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "xl: unknown command \"%s\"; run \"xl help\" for the list of commands\n",
			argv[1]);
		return 2;
	}
	return cmd->fn(argc - 1, argv + 1);
}
