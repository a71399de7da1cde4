/* console_io: the hypervisor console as seen by privileged guests (Xen semantics). */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/guest_console.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <public/xen.h>

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
			console_guest_write(d, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		/* Serial input that reached domain 0 (the focus; VIRQ_CONSOLE announced it). */
		if (count > INT32_MAX) {
			return -E2BIG;
		}
		if (d->domain_id != 0) {
			return 0;	/* input is routed to domain 0 only (as Xen's hardware domain) */
		}
		while (done < count) {
			size_t n = console_dom0_peek(chunk, MIN(sizeof(chunk), count - done));

			if (!n) {
				break;
			}
			if (copy_to_guest(buffer + done, chunk, n)) {
				return -EFAULT;
			}
			/* Consumed only once delivered: a fault loses nothing. */
			console_dom0_consume(n);
			done += n;
		}
		return (long)done;
	default:
		return -ENOSYS;
	}
}
