// SPDX-License-Identifier: MIT
/*
 * libargonstore against our daemon: every call of the library, over a real socket. The daemon
 * (ASan/UBSan build, path in $ARGON_XENSTORED) is started per test group and must exit cleanly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "argon/store.h"

static char dir[64];
static char sock_path[128], dom5_path[128];
static pid_t daemon_pid;

static int start_daemon(void **state)
{
	const char *bin = getenv("ARGON_XENSTORED");
	char dom_arg[160];
	int i;

	(void)state;
	if (!bin) {
		fprintf(stderr, "ARGON_XENSTORED not set\n");
		return -1;
	}
	strcpy(dir, "/tmp/argon-store-test-XXXXXX");
	if (!mkdtemp(dir)) {
		return -1;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/sock", dir);
	snprintf(dom5_path, sizeof(dom5_path), "%s/d5", dir);
	snprintf(dom_arg, sizeof(dom_arg), "5:%s", dom5_path);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		char log[128];

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		snprintf(log, sizeof(log), "%s/log", dir);
		execl(bin, bin, "--socket", sock_path, "--domain-socket", dom_arg, "--log-file",
		      log, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		struct store *s;

		if (store_open(sock_path, &s) == 0) {
			store_close(s);
			return 0;
		}
		usleep(10000);
	}
	return -1;
}

static int stop_daemon(void **state)
{
	char cmd[192];
	int status = 0;

	(void)state;
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/log >&2", dir);
		if (system(cmd)) {
			/* nothing more to show */
		}
		fprintf(stderr, "daemon exit status %d\n", status);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static struct store *open_store(const char *path)
{
	struct store *s = NULL;

	assert_int_equal(store_open(path, &s), 0);
	return s;
}

static void test_read_write_mkdir_rm(void **state)
{
	struct store *s = open_store(sock_path);
	char *val = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(store_write_str(s, 0, "/c/a/b", "hello"), 0);
	assert_int_equal(store_read(s, 0, "/c/a/b", &val, &len), 0);
	assert_string_equal(val, "hello");
	assert_int_equal(len, 5);
	free(val);
	/* binary values with NULs survive */
	assert_int_equal(store_write(s, 0, "/c/bin", "a\0b", 3), 0);
	assert_int_equal(store_read(s, 0, "/c/bin", &val, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(val, "a\0b", 3);
	free(val);
	assert_int_equal(store_read(s, 0, "/c/nope", &val, NULL), -ENOENT);
	assert_int_equal(store_read(s, 0, "/c//x", &val, NULL), -EINVAL);
	assert_int_equal(store_mkdir(s, 0, "/c/dir"), 0);
	assert_int_equal(store_read(s, 0, "/c/dir", &val, &len), 0);
	assert_int_equal(len, 0);
	free(val);
	assert_int_equal(store_rm(s, 0, "/c/a"), 0);
	assert_int_equal(store_read(s, 0, "/c/a/b", &val, NULL), -ENOENT);
	assert_int_equal(store_rm(s, 0, "/"), -EINVAL);
	store_close(s);
}

static void test_directory_small_and_large(void **state)
{
	struct store *s = open_store(sock_path);
	char **names = NULL;
	unsigned int n = 0, i;
	char path[128];

	(void)state;
	assert_int_equal(store_write_str(s, 0, "/d/x", "1"), 0);
	assert_int_equal(store_write_str(s, 0, "/d/y", "2"), 0);
	assert_int_equal(store_directory(s, 0, "/d", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "x");
	assert_string_equal(names[1], "y");
	store_free_names(names, n);
	/* more than one message of names: the library falls back to DIRECTORY_PART */
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/a-rather-long-child-name-%04u", i);
		assert_int_equal(store_write_str(s, 0, path, "v"), 0);
	}
	assert_int_equal(store_directory(s, 0, "/big", &names, &n), 0);
	assert_int_equal(n, 400);
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "a-rather-long-child-name-%04u", i);
		assert_string_equal(names[i], path);
	}
	store_free_names(names, n);
	assert_int_equal(store_directory(s, 0, "/nope", &names, &n), -ENOENT);
	store_close(s);
}

static void test_permissions(void **state)
{
	struct store *s = open_store(sock_path), *d5 = open_store(dom5_path);
	struct store_perm set[3] = {
	    {5, STORE_PERM_NONE}, {6, STORE_PERM_READ}, {7, STORE_PERM_BOTH}};
	struct store_perm *got = NULL;
	unsigned int n = 0;
	char *val = NULL;

	(void)state;
	assert_int_equal(store_write_str(s, 0, "/perm/node", "v"), 0);
	assert_int_equal(store_read(d5, 0, "/perm/node", &val, NULL), -EACCES);
	assert_int_equal(store_write_str(d5, 0, "/perm/node", "x"), -EACCES);
	assert_int_equal(store_set_perms(s, 0, "/perm/node", set, 3), 0);
	assert_int_equal(store_get_perms(s, 0, "/perm/node", &got, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(got, set, sizeof(set));
	free(got);
	/* domain 5 owns it now */
	assert_int_equal(store_read(d5, 0, "/perm/node", &val, NULL), 0);
	free(val);
	set[0].domid = 6;
	assert_int_equal(store_set_perms(d5, 0, "/perm/node", set, 1), -EPERM);
	assert_int_equal(store_introduce(d5, 9, 1, 1), -EACCES);
	store_close(d5);
	store_close(s);
}

static void test_transactions(void **state)
{
	struct store *a = open_store(sock_path), *b = open_store(sock_path);
	store_tx_t tx;
	char *val = NULL;
	int tries = 0, ret;

	(void)state;
	assert_int_equal(store_write_str(a, 0, "/tx/n", "0"), 0);
	do {
		tries++;
		assert_int_equal(store_tx_start(a, &tx), 0);
		assert_int_equal(store_read(a, tx, "/tx/n", &val, NULL), 0);
		if (tries == 1) {
			assert_int_equal(store_write_str(b, 0, "/tx/n", "5"), 0);
		}
		assert_int_equal(store_write_str(a, tx, "/tx/n", tries == 1 ? "1" : "6"), 0);
		free(val);
		ret = store_tx_end(a, tx, true);
	} while (ret == -EAGAIN);
	assert_int_equal(ret, 0);
	assert_int_equal(tries, 2);
	assert_int_equal(store_read(b, 0, "/tx/n", &val, NULL), 0);
	assert_string_equal(val, "6");
	free(val);
	/* abort discards */
	assert_int_equal(store_tx_start(a, &tx), 0);
	assert_int_equal(store_write_str(a, tx, "/tx/gone", "x"), 0);
	assert_int_equal(store_tx_end(a, tx, false), 0);
	assert_int_equal(store_read(a, 0, "/tx/gone", &val, NULL), -ENOENT);
	assert_int_equal(store_tx_end(a, tx, true), -ENOENT);
	store_close(a);
	store_close(b);
}

static void test_watches(void **state)
{
	struct store *a = open_store(sock_path), *b = open_store(sock_path);
	struct store_event *ev = NULL;

	(void)state;
	assert_int_equal(store_watch(a, "/wt", "tok"), 0);
	assert_int_equal(store_watch(a, "/wt", "tok"), -EEXIST);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	assert_string_equal(ev->path, "/wt");
	assert_string_equal(ev->token, "tok");
	store_event_free(ev);
	assert_int_equal(store_read_watch(a, &ev, 50), -ETIMEDOUT);
	assert_int_equal(store_write_str(b, 0, "/wt/x", "1"), 0);
	assert_int_equal(store_write_str(b, 0, "/other", "1"), 0);
	assert_int_equal(store_write_str(b, 0, "/wt/y", "1"), 0);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	assert_string_equal(ev->path, "/wt/x");
	store_event_free(ev);
	/* an event that arrives while a request waits is queued, not lost */
	assert_int_equal(store_write_str(a, 0, "/wt/z", "1"), 0);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	assert_string_equal(ev->path, "/wt/y");
	store_event_free(ev);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	assert_string_equal(ev->path, "/wt/z");
	store_event_free(ev);
	assert_int_equal(store_unwatch(a, "/wt", "tok"), 0);
	assert_int_equal(store_unwatch(a, "/wt", "tok"), -ENOENT);
	assert_int_equal(store_watch(a, "@introduceDomain", "in"), 0);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	store_event_free(ev);
	assert_int_equal(store_introduce(b, 12, 99, 3), 0);
	assert_int_equal(store_read_watch(a, &ev, 2000), 0);
	assert_string_equal(ev->path, "@introduceDomain");
	store_event_free(ev);
	assert_int_equal(store_reset_watches(a), 0);
	assert_int_equal(store_unwatch(a, "@introduceDomain", "in"), -ENOENT);
	store_close(a);
	store_close(b);
}

static void test_domains_and_control(void **state)
{
	struct store *s = open_store(sock_path);
	const char *check[] = {"check"}, *bogus[] = {"bogus"}, *quota[] = {"quota"};
	char *path = NULL, *out = NULL, *reply = NULL;
	uint32_t rtype;
	bool yes = true;

	(void)state;
	assert_int_equal(store_get_domain_path(s, 3, &path), 0);
	assert_string_equal(path, "/local/domain/3");
	free(path);
	assert_int_equal(store_is_introduced(s, 3, &yes), 0);
	assert_false(yes);
	assert_int_equal(store_introduce(s, 3, 7, 2), 0);
	assert_int_equal(store_is_introduced(s, 3, &yes), 0);
	assert_true(yes);
	assert_int_equal(store_introduce(s, 4, 8, 2), 0);
	assert_int_equal(store_set_target(s, 3, 4), 0);
	assert_int_equal(store_resume(s, 3), 0);
	assert_int_equal(store_release(s, 3), 0);
	assert_int_equal(store_release(s, 3), -ENOENT);
	assert_int_equal(store_release(s, 0), -EINVAL);
	assert_int_equal(store_control(s, check, 1, &out), 0);
	assert_string_equal(out, "OK");
	free(out);
	assert_int_equal(store_control(s, quota, 1, &out), 0);
	assert_non_null(strstr(out, "transactions"));
	free(out);
	assert_int_equal(store_control(s, bogus, 1, NULL), -EINVAL);
	/* a raw request of an unknown type gets ERROR "ENOSYS" */
	assert_int_equal(store_request(s, 20, 0, "", 0, &rtype, &reply, NULL), 0);
	assert_int_equal(rtype, XS_ERROR);
	assert_string_equal(reply, "ENOSYS");
	free(reply);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_write_mkdir_rm),
	    cmocka_unit_test(test_directory_small_and_large),
	    cmocka_unit_test(test_permissions),
	    cmocka_unit_test(test_transactions),
	    cmocka_unit_test(test_watches),
	    cmocka_unit_test(test_domains_and_control),
	};

	return cmocka_run_group_tests_name("libargonstore-vs-xenstored", tests, start_daemon,
					   stop_daemon);
}
