// SPDX-License-Identifier: MIT
/*
 * xenstored: Argon's xenstore daemon. Runs in the foreground with one poll() loop over its
 * listening sockets and every connection; exits cleanly on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "log.h"
#include "proto.h"
#include "sock.h"
#include "tree.h"

#define MAX_LISTENERS 8

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: xenstored [options]\n"
	       "  --socket PATH          privileged (dom0) socket [default /run/xenstored/socket]\n"
	       "  --ro-socket PATH       read-only socket (every change refused with EROFS)\n"
	       "  --domain-socket ID:PATH\n"
	       "                         TEST ONLY: connections act as unprivileged domain ID\n"
	       "  --log-file FILE        log to FILE instead of stderr\n"
	       "  --quota NAME=VALUE     set a quota (see `xenstore-control quota`)\n"
	       "  --verbose              log routine answers too (debug level)\n"
	       "  --quiet                log only warnings and errors\n"
	       "  --help\n");
}

static int parse_domain_socket(const char *arg, uint32_t *domid, const char **path)
{
	char *end;
	unsigned long id = strtoul(arg, &end, 10);

	if (end == arg || *end != ':' || id == 0 || id >= DOMID_FIRST_RESERVED || !end[1]) {
		return -EINVAL;
	}
	*domid = (uint32_t)id;
	*path = end + 1;
	return 0;
}

static void run_loop(struct listener *ls, unsigned int nls)
{
	struct pollfd *pfds = NULL;
	struct conn **who = NULL;
	size_t cap = 0;
	sigset_t unblocked;

	sigemptyset(&unblocked);
	while (!stop_requested) {
		size_t n = 0, i;
		struct conn *c;

		for (c = conn_first(); c; c = c->next) {
			n++;
		}
		if (n + nls > cap) {
			size_t ncap = (n + nls) * 2;
			struct pollfd *np = realloc(pfds, ncap * sizeof(*np));
			struct conn **nw;

			if (!np) {
				log_msg(LOG_ERROR, "out of memory in the event loop");
				break;
			}
			pfds = np;
			nw = realloc(who, ncap * sizeof(*nw));
			if (!nw) {
				log_msg(LOG_ERROR, "out of memory in the event loop");
				break;
			}
			who = nw;
			cap = ncap;
		}
		for (i = 0; i < nls; i++) {
			pfds[i] = (struct pollfd){.fd = ls[i].fd, .events = POLLIN};
			who[i] = NULL;
		}
		for (c = conn_first(); c; c = c->next, i++) {
			short ev = 0;

			if (conn_wants_input(c)) {
				ev |= POLLIN;
			}
			if (conn_wants_output(c)) {
				ev |= POLLOUT;
			}
			pfds[i] = (struct pollfd){.fd = c->ops->fd(c), .events = ev};
			who[i] = c;
		}
		if (ppoll(pfds, i, NULL, &unblocked) < 0) {
			if (errno == EINTR) {
				continue;
			}
			log_msg(LOG_ERROR, "poll: %s", strerror(errno));
			break;
		}
		for (i = 0; i < nls; i++) {
			if (pfds[i].revents & POLLIN) {
				sock_accept(&ls[i]);
			}
		}
		for (; i < n + nls; i++) {
			c = who[i];
			if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				conn_input(c);
			}
		}
		/* Replies and events queued this round go out now, not after another poll. */
		for (c = conn_first(); c; c = c->next) {
			if (conn_wants_output(c)) {
				conn_output(c);
			}
		}
		conn_reap();
	}
	free(pfds);
	free(who);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"ro-socket", required_argument, NULL, 'r'},
	    {"domain-socket", required_argument, NULL, 'd'},
	    {"log-file", required_argument, NULL, 'l'},
	    {"quota", required_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"quiet", no_argument, NULL, 'Q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct listener ls[MAX_LISTENERS];
	const char *main_path = "/run/xenstored/socket";
	struct {
		const char *path;
		bool priv, ro;
		uint32_t domid;
	} want[MAX_LISTENERS];
	unsigned int nwant = 0, nls = 0, i;
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block;
	int opt, ret, status = 1;

	while ((opt = getopt_long(argc, argv, "vQh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			main_path = optarg;
			break;
		case 'r':
		case 'd':
			if (nwant + 1 >= MAX_LISTENERS) {
				fprintf(stderr, "xenstored: too many sockets\n");
				return 2;
			}
			want[nwant].path = optarg;
			want[nwant].priv = opt == 'r';
			want[nwant].ro = opt == 'r';
			want[nwant].domid = 0;
			if (opt == 'd' &&
			    parse_domain_socket(optarg, &want[nwant].domid, &want[nwant].path)) {
				fprintf(stderr,
					"xenstored: --domain-socket wants ID:PATH, ID 1..%u\n",
					DOMID_FIRST_RESERVED - 1);
				return 2;
			}
			nwant++;
			break;
		case 'l':
			if (log_open(optarg)) {
				fprintf(stderr, "xenstored: cannot open log file %s: %s\n", optarg,
					strerror(errno));
				return 2;
			}
			break;
		case 'q': {
			char name[64];
			const char *eq = strchr(optarg, '=');
			char *end;
			unsigned long v;

			if (!eq || (size_t)(eq - optarg) >= sizeof(name)) {
				fprintf(stderr, "xenstored: --quota wants NAME=VALUE\n");
				return 2;
			}
			memcpy(name, optarg, (size_t)(eq - optarg));
			name[eq - optarg] = '\0';
			v = strtoul(eq + 1, &end, 10);
			if (!eq[1] || *end || quota_set(name, v)) {
				fprintf(stderr, "xenstored: unknown quota or bad value: %s\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'Q':
			log_set_level(LOG_WARN);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = tree_init();
	if (ret) {
		log_msg(LOG_ERROR, "cannot create the store: %s", strerror(-ret));
		goto out;
	}
	/* The main socket last: once it accepts, every socket is ready. */
	for (i = 0; i < nwant; i++) {
		ret = sock_listen(&ls[nls], want[i].path, want[i].priv, want[i].ro, want[i].domid);
		if (ret) {
			log_msg(LOG_ERROR, "cannot listen on %s: %s", want[i].path, strerror(-ret));
			goto out;
		}
		if (!want[i].ro) {
			log_msg(LOG_WARN,
				"test-only domain socket %s: connections act as domain %u",
				want[i].path, want[i].domid);
		}
		nls++;
	}
	ret = sock_listen(&ls[nls], main_path, true, false, 0);
	if (ret) {
		log_msg(LOG_ERROR, "cannot listen on %s: %s", main_path, strerror(-ret));
		goto out;
	}
	nls++;
	log_msg(LOG_INFO, "listening on %s", main_path);
	run_loop(ls, nls);
	log_msg(LOG_INFO, "shutting down");
	status = 0;
out:
	conn_destroy_all();
	for (i = 0; i < nls; i++) {
		sock_close(&ls[i]);
	}
	tree_teardown();
	proto_teardown();
	domain_teardown();
	log_close();
	return status;
}
