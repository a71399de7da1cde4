/* console_io: the hypervisor console as seen by privileged guests (Xen semantics). */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <public/xen.h>

/* Each line of guest output becomes one log line tagged with the domain, like Xen's "(d1)". */
static void guest_console_write(struct domain *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		bool flush = c == '\n' || d->console_len == sizeof(d->console_line) - 1;

		if (c != '\n' && c != '\r' && d->console_len < sizeof(d->console_line) - 1) {
			/* Unprintable bytes from a guest must not reach the serial line as controls. */
			d->console_line[d->console_len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
		}
		if (flush) {
			d->console_line[d->console_len] = '\0';
			log_info("(d%u) %s\n", d->domain_id, d->console_line);
			d->console_len = 0;
		}
	}
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buffer, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;
	char chunk[128];
	uint64_t done = 0;

	/* As on Xen, only the privileged domain owns the hypervisor console. */
	if (!d->is_privileged) {
		return -EPERM;
	}
	switch (cmd) {
	case CONSOLEIO_write:
		if (count > (1u << 20)) {
			return -E2BIG;
		}
		while (done < count) {
			size_t n = MIN(sizeof(chunk), count - done);

			if (copy_from_guest(chunk, buffer + done, n)) {
				return -EFAULT;
			}
			guest_console_write(d, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		/* No serial input path yet: nothing to read. */
		return 0;
	default:
		return -ENOSYS;
	}
}
