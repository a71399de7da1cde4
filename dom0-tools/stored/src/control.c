// SPDX-License-Identifier: MIT
/* CONTROL commands (implementation-specific, dom0 only): check, log, logfile, memreport, print,
 * quota, help. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "proto.h"
#include "tree.h"

static void reply_text(struct conn *c, struct req *r, const char *text)
{
	proto_reply(c, r, text, strlen(text) + 1);
}

static int ctl_check(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	char why[256];

	(void)argv;
	if (argc != 0) {
		return -EINVAL;
	}
	if (tree_check(why, sizeof(why))) {
		log_msg(LOG_ERROR, "store check failed: %s", why);
		r->why = "store check failed (see log)";
		return -EIO;
	}
	proto_ack(c, r);
	return 0;
}

static int ctl_log(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	if (argc != 1 || (strcmp(argv[0], "on") && strcmp(argv[0], "off"))) {
		return -EINVAL;
	}
	log_enable(strcmp(argv[0], "on") == 0);
	proto_ack(c, r);
	return 0;
}

static int ctl_logfile(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	int ret;

	if (argc != 1) {
		return -EINVAL;
	}
	ret = log_open(argv[0]);
	if (ret) {
		r->why = "cannot open log file";
		return -EIO;
	}
	proto_ack(c, r);
	return 0;
}

struct report {
	char *buf;
	size_t size, off;
};

static void report_domain(const struct domain *d, void *arg)
{
	struct report *rp = arg;
	int n =
	    snprintf(rp->buf + rp->off, rp->size - rp->off, "domain %u: nodes %lu watches %lu%s\n",
		     d->domid, d->nodes, d->watches, d->introduced ? " introduced" : "");

	if (n > 0 && rp->off + (size_t)n < rp->size) {
		rp->off += (size_t)n;
	}
}

static int ctl_memreport(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	char buf[XS_PAYLOAD_MAX - 1];
	struct report rp = {.buf = buf, .size = sizeof(buf)};
	unsigned long nconn = 0;
	struct conn *i;
	int n;

	if (argc > 1) {
		return -EINVAL;
	}
	for (i = conn_first(); i; i = i->next) {
		nconn++;
	}
	n = snprintf(buf, sizeof(buf), "nodes %lu connections %lu\n", tree_count(), nconn);
	rp.off = n > 0 ? (size_t)n : 0;
	domain_foreach(report_domain, &rp);
	if (argc == 1) {
		FILE *f = fopen(argv[0], "w");

		if (!f) {
			r->why = "cannot open report file";
			return -EIO;
		}
		fputs(buf, f);
		fclose(f);
	} else {
		log_msg(LOG_INFO, "memreport: %s", buf);
	}
	proto_ack(c, r);
	return 0;
}

static int ctl_print(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	if (argc != 1) {
		return -EINVAL;
	}
	log_msg(LOG_INFO, "control: %s", argv[0]);
	proto_ack(c, r);
	return 0;
}

static int ctl_quota(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	char buf[1024];
	char *end;

	if (argc == 0) {
		quota_format(buf, sizeof(buf));
		reply_text(c, r, buf);
		return 0;
	}
	if (argc == 3 && strcmp(argv[0], "set") == 0) {
		unsigned long v = strtoul(argv[2], &end, 10);

		if (!argv[2][0] || *end || quota_set(argv[1], v)) {
			r->why = "unknown quota or bad value";
			return -EINVAL;
		}
		log_msg(LOG_INFO, "quota %s set to %lu", argv[1], v);
		proto_ack(c, r);
		return 0;
	}
	if (argc == 1) {
		unsigned long id = strtoul(argv[0], &end, 10);
		const struct domain *d;

		if (!argv[0][0] || *end || id >= DOMID_FIRST_RESERVED) {
			return -EINVAL;
		}
		d = domain_find((uint32_t)id);
		if (!d) {
			return -ENOENT;
		}
		snprintf(buf, sizeof(buf), "nodes: %lu\nwatches: %lu\n", d->nodes, d->watches);
		reply_text(c, r, buf);
		return 0;
	}
	return -EINVAL;
}

static int ctl_help(struct conn *c, struct req *r, const char *const *argv, unsigned int argc);

static const struct {
	const char *name;
	const char *args;
	int (*fn)(struct conn *c, struct req *r, const char *const *argv, unsigned int argc);
} commands[] = {
    {"check", "", ctl_check},
    {"log", "on|off", ctl_log},
    {"logfile", "<file>", ctl_logfile},
    {"memreport", "[<file>]", ctl_memreport},
    {"print", "<string>", ctl_print},
    {"quota", "[set <name> <val>|<domid>]", ctl_quota},
    {"help", "", ctl_help},
};

static int ctl_help(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	char buf[1024];
	size_t off = 0, i;

	(void)argv;
	(void)argc;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int n = snprintf(buf + off, sizeof(buf) - off, "%s\t%s\n", commands[i].name,
				 commands[i].args);

		if (n > 0 && off + (size_t)n < sizeof(buf)) {
			off += (size_t)n;
		}
	}
	reply_text(c, r, buf);
	return 0;
}

int control_handle(struct conn *c, struct req *r, const char *const *argv, unsigned int argc)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			int ret = commands[i].fn(c, r, argv + 1, argc - 1);

			if (ret == -EINVAL && !r->why) {
				r->why = "bad arguments to control command";
			}
			return ret;
		}
	}
	r->why = "unknown control command";
	return -EINVAL;
}
