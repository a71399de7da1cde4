/*
 * Console output through console_io(CONSOLEIO_write), or through the PV console ring once
 * xencons_init() found one (unprivileged domains), and printk on the hypervisor's vsnprintf.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/xencons.h>

void console_write(const char *s, size_t len)
{
	if (xencons) {
		xencons_write(s, len);
		return;
	}
	while (len) {
		unsigned int chunk = len > 1024 ? 1024 : (unsigned int)len;

		if (HYPERVISOR_console_io(CONSOLEIO_write, chunk, s) < 0) {
			return; /* nowhere else to report it */
		}
		s += chunk;
		len -= chunk;
	}
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0) {
		return n;
	}
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
