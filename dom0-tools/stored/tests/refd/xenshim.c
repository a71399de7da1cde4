// SPDX-License-Identifier: MIT
/*
 * TEST/BENCH ONLY: lets Debian's C xenstored (xen-utils-4.17) run on a host without Xen, as the
 * reference daemon for differential tests and the benchmark.
 *
 * Preloaded (LD_PRELOAD) into that binary, it stands in for the few libxenctrl, libxenevtchn and
 * libxengnttab calls xenstored makes at start-up and on INTRODUCE: handles are dummies, the event
 * channel fd is a pipe that never fires, grant mappings are zeroed pages. It also redirects
 * /proc/xen/xsd_port and /proc/xen/xsd_kva (dom0's own ring) to files in $XENSHIM_DIR. Sockets,
 * the store and every request path of xenstored are Debian's code, untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int evtchn_pipe[2] = {-1, -1};
static int dummy_handle;
static int next_port = 10;

void *xc_interface_open(void *logger, void *dombuild_logger, unsigned int flags)
{
	(void)logger;
	(void)dombuild_logger;
	(void)flags;
	return &dummy_handle;
}

int xc_interface_close(void *xch)
{
	(void)xch;
	return 0;
}

/*
 * Every domain id below DOMID_FIRST_RESERVED "exists" and is running: writes only the two leading
 * fields of xc_dominfo_t the daemon looks at (domid at offset 0; the dying/crashed/shutdown bit
 * field at offset 8), so the shim needs no Xen headers.
 */
int xc_domain_getinfo(void *xch, uint32_t first_domid, unsigned int max_doms, void *info)
{
	(void)xch;
	if (max_doms == 0 || first_domid >= 0x7ff0) {
		return 0;
	}
	memcpy((char *)info, &first_domid, sizeof(first_domid));
	memset((char *)info + 8, 0, sizeof(uint32_t));
	return 1;
}

void *xengnttab_open(void *logger, unsigned int flags)
{
	(void)logger;
	(void)flags;
	return &dummy_handle;
}

int xengnttab_close(void *xgt)
{
	(void)xgt;
	return 0;
}

int xengnttab_set_max_grants(void *xgt, uint32_t count)
{
	(void)xgt;
	(void)count;
	return 0;
}

void *xengnttab_map_grant_ref(void *xgt, uint32_t domid, uint32_t ref, int prot)
{
	void *page = NULL;

	(void)xgt;
	(void)domid;
	(void)ref;
	(void)prot;
	if (posix_memalign(&page, 4096, 4096)) {
		return NULL;
	}
	memset(page, 0, 4096);
	return page;
}

int xengnttab_unmap(void *xgt, void *start_address, uint32_t count)
{
	(void)xgt;
	(void)count;
	free(start_address);
	return 0;
}

void *xenevtchn_open(void *logger, unsigned int flags)
{
	(void)logger;
	(void)flags;
	if (evtchn_pipe[0] < 0 && pipe(evtchn_pipe)) {
		return NULL;
	}
	return &dummy_handle;
}

int xenevtchn_close(void *xce)
{
	(void)xce;
	return 0;
}

int xenevtchn_fd(void *xce)
{
	(void)xce;
	return evtchn_pipe[0];
}

int xenevtchn_bind_virq(void *xce, unsigned int virq)
{
	(void)xce;
	(void)virq;
	return 1;
}

int xenevtchn_bind_interdomain(void *xce, uint32_t domid, unsigned int remote_port)
{
	(void)xce;
	(void)domid;
	(void)remote_port;
	return next_port++;
}

int xenevtchn_notify(void *xce, unsigned int port)
{
	(void)xce;
	(void)port;
	return 0;
}

int xenevtchn_pending(void *xce)
{
	(void)xce;
	return -1;
}

int xenevtchn_unmask(void *xce, unsigned int port)
{
	(void)xce;
	(void)port;
	return 0;
}

int xenevtchn_unbind(void *xce, unsigned int port)
{
	(void)xce;
	(void)port;
	return 0;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	const char *dir = getenv("XENSHIM_DIR");
	char buf[4096];
	mode_t mode = 0;
	va_list ap;

	if (!real_open) {
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	}
	va_start(ap, flags);
	if (flags & O_CREAT) {
		mode = va_arg(ap, mode_t);
	}
	va_end(ap);
	if (dir && strncmp(path, "/proc/xen/", 10) == 0) {
		snprintf(buf, sizeof(buf), "%s/%s", dir, path + 10);
		path = buf;
	}
	return real_open(path, flags, mode);
}
