// SPDX-License-Identifier: MIT
/*
 * xs: small command-line tools on libargonstore, as one multi-call binary.
 *   xs [--socket PATH] read PATH...          print each value
 *   xs [--socket PATH] write PATH VALUE...   set values (created with their parents)
 *   xs [--socket PATH] mkdir PATH...
 *   xs [--socket PATH] rm PATH...            remove subtrees
 *   xs [--socket PATH] ls [-p] [PATH]        list the subtree: "path = "value"" [(perms)]
 *   xs [--socket PATH] chmod PATH PERM...    PERM is [nrwb]<domid>; the first names the owner
 *   xs [--socket PATH] watch [-n N] PATH     print "path token" per event (N events, or forever)
 * The socket defaults to $XENSTORED_PATH, then /run/xenstored/socket. Exit status 0 on success,
 * 1 on a store error (message on stderr), 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argon/store.h"

static const char *prog = "xs";

static int fail(const char *cmd, const char *what, int err)
{
	fprintf(stderr, "%s %s: %s: %s\n", prog, cmd, what, strerror(-err));
	return 1;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: %s [--socket PATH] read|write|mkdir|rm|ls|chmod|watch ARGS...\n"
		"  read PATH...  write PATH VALUE...  mkdir PATH...  rm PATH...\n"
		"  ls [-p] [PATH]  chmod PATH PERM...  watch [-n N] PATH\n",
		prog);
	return 2;
}

/* Print a value with non-printable bytes escaped (\xNN), as a store listing should. */
static void print_escaped(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch == '\\' || ch == '"') {
			printf("\\%c", ch);
		} else if (ch < 0x20 || ch >= 0x7f) {
			printf("\\x%02x", ch);
		} else {
			putchar(ch);
		}
	}
}

static int print_perms(struct store *s, const char *path)
{
	struct store_perm *p;
	unsigned int n, i;
	int ret = store_get_perms(s, 0, path, &p, &n);

	if (ret) {
		return ret;
	}
	printf("  (");
	for (i = 0; i < n; i++) {
		char one[16];

		store_perm_format(&p[i], one, sizeof(one));
		printf("%s%s", i ? "," : "", one);
	}
	printf(")");
	free(p);
	return 0;
}

static int list_tree(struct store *s, const char *path, bool perms)
{
	char **names = NULL, *val = NULL;
	unsigned int n = 0, i;
	size_t len = 0;
	int ret;

	ret = store_directory(s, 0, path, &names, &n);
	if (ret) {
		return ret;
	}
	for (i = 0; i < n && !ret; i++) {
		char *child;

		if (asprintf(&child, "%s/%s", strcmp(path, "/") ? path : "", names[i]) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = store_read(s, 0, child, &val, &len);
		if (ret == -EACCES) {
			printf("%s: (no read access)\n", child);
			ret = 0;
			free(child);
			continue;
		}
		if (!ret) {
			printf("%s = \"", child);
			print_escaped(val, len);
			printf("\"");
			free(val);
			if (perms) {
				ret = print_perms(s, child);
			}
			printf("\n");
		}
		if (!ret) {
			ret = list_tree(s, child, perms);
		}
		free(child);
	}
	store_free_names(names, n);
	return ret;
}

static int cmd_read(struct store *s, int argc, char **argv)
{
	int i;

	if (argc < 1) {
		return usage();
	}
	for (i = 0; i < argc; i++) {
		char *val;
		size_t len;
		int ret = store_read(s, 0, argv[i], &val, &len);

		if (ret) {
			return fail("read", argv[i], ret);
		}
		fwrite(val, 1, len, stdout);
		putchar('\n');
		free(val);
	}
	return 0;
}

static int cmd_write(struct store *s, int argc, char **argv)
{
	int i;

	if (argc < 2 || argc % 2) {
		return usage();
	}
	for (i = 0; i < argc; i += 2) {
		int ret = store_write_str(s, 0, argv[i], argv[i + 1]);

		if (ret) {
			return fail("write", argv[i], ret);
		}
	}
	return 0;
}

static int cmd_each(struct store *s, const char *name, int argc, char **argv,
		    int (*fn)(struct store *, store_tx_t, const char *))
{
	int i;

	if (argc < 1) {
		return usage();
	}
	for (i = 0; i < argc; i++) {
		int ret = fn(s, 0, argv[i]);

		if (ret) {
			return fail(name, argv[i], ret);
		}
	}
	return 0;
}

static int cmd_ls(struct store *s, int argc, char **argv)
{
	bool perms = false;
	const char *path = "/";
	int ret;

	if (argc > 0 && strcmp(argv[0], "-p") == 0) {
		perms = true;
		argc--;
		argv++;
	}
	if (argc > 1) {
		return usage();
	}
	if (argc == 1) {
		path = argv[0];
	}
	ret = list_tree(s, path, perms);
	return ret ? fail("ls", path, ret) : 0;
}

static int cmd_chmod(struct store *s, int argc, char **argv)
{
	struct store_perm *p;
	int i, ret;

	if (argc < 2) {
		return usage();
	}
	p = calloc((size_t)argc - 1, sizeof(*p));
	if (!p) {
		return fail("chmod", argv[0], -ENOMEM);
	}
	for (i = 1; i < argc; i++) {
		if (store_perm_parse(argv[i], &p[i - 1])) {
			fprintf(stderr, "%s chmod: bad permission '%s' (want [nrwb]<domid>)\n",
				prog, argv[i]);
			free(p);
			return 2;
		}
	}
	ret = store_set_perms(s, 0, argv[0], p, (unsigned int)argc - 1);
	free(p);
	return ret ? fail("chmod", argv[0], ret) : 0;
}

static int cmd_watch(struct store *s, int argc, char **argv)
{
	long count = -1, seen = 0;
	int ret;

	if (argc == 3 && strcmp(argv[0], "-n") == 0) {
		count = strtol(argv[1], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc != 1 || count == 0) {
		return usage();
	}
	ret = store_watch(s, argv[0], "xs");
	if (ret) {
		return fail("watch", argv[0], ret);
	}
	while (count < 0 || seen < count) {
		struct store_event *ev;

		ret = store_read_watch(s, &ev, -1);
		if (ret) {
			return fail("watch", argv[0], ret);
		}
		printf("%s %s\n", ev->path, ev->token);
		fflush(stdout);
		store_event_free(ev);
		seen++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *cmd;
	struct store *s;
	int ret;

	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "--socket") == 0) {
		sock = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1) {
		return usage();
	}
	cmd = argv[0];
	argc--;
	argv++;
	if (strcmp(cmd, "read") && strcmp(cmd, "write") && strcmp(cmd, "mkdir") &&
	    strcmp(cmd, "rm") && strcmp(cmd, "ls") && strcmp(cmd, "chmod") &&
	    strcmp(cmd, "watch")) {
		return usage();
	}
	ret = store_open(sock, &s);
	if (ret) {
		return fail(cmd, "cannot connect to the store", ret);
	}
	if (strcmp(cmd, "read") == 0) {
		ret = cmd_read(s, argc, argv);
	} else if (strcmp(cmd, "write") == 0) {
		ret = cmd_write(s, argc, argv);
	} else if (strcmp(cmd, "mkdir") == 0) {
		ret = cmd_each(s, "mkdir", argc, argv, store_mkdir);
	} else if (strcmp(cmd, "rm") == 0) {
		ret = cmd_each(s, "rm", argc, argv, store_rm);
	} else if (strcmp(cmd, "ls") == 0) {
		ret = cmd_ls(s, argc, argv);
	} else if (strcmp(cmd, "chmod") == 0) {
		ret = cmd_chmod(s, argc, argv);
	} else {
		ret = cmd_watch(s, argc, argv);
	}
	store_close(s);
	return ret;
}
