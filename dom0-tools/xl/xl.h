/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl: Argon's domain management command. Each area of commands lives in its
 * own cmd_<area>.c; cmdtable.c lists them all once.
 */
#ifndef ARGON_XL_H
#define ARGON_XL_H

#include <stdbool.h>

/** One subcommand: its name, handler, one-line help and usage. */
struct cmd_spec {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the subcommand name */
	bool hidden;                      /* for tests and tools; not in `xl help` */
	const char *help;
	const char *usage;
};

/** The command table and its length (cmdtable.c). */
extern const struct cmd_spec cmd_table[];
extern const unsigned int cmd_table_len;

/** Looks a subcommand up by name; NULL if there is none. */
const struct cmd_spec *cmd_find(const char *name);

/** Prints the usage line of a command to stderr and returns 2 (bad usage). */
int cmd_usage(const struct cmd_spec *cmd);

int main_create(int argc, char **argv);
int main_json_to_cfg(int argc, char **argv);
int main_cfg_check(int argc, char **argv);
int main_help(int argc, char **argv);

#endif /* ARGON_XL_H */
