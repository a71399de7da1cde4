/*
 * pagetouch: the page-fault-heavy program of the Linux system tests (issue 5). It maps N MiB of
 * anonymous memory (default 200), writes one word into every 4 KiB page (one demand-zero fault
 * each: the guest kernel allocates a frame and writes a PTE, which on Argon is a validated page
 * table update), then reads every page back and checks the values. Prints
 * "pagetouch <MiB> MiB <pages> pages <ms> ms ok" and exits 0, or a reason and exits 1.
 * Built on the host with `gcc -static` by tests/linux/linuxkit.py into the initramfs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 200;
	unsigned long pages = mib * 256, i;
	volatile unsigned long *p;
	double t0;

	t0 = now_ms();
	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("pagetouch: mmap");
		return 1;
	}
	for (i = 0; i < pages; i++) {
		p[i * 512] = i ^ 0x5a5a5a5aUL;
	}
	for (i = 0; i < pages; i++) {
		if (p[i * 512] != (i ^ 0x5a5a5a5aUL)) {
			printf("pagetouch: page %lu reads %#lx\n", i, p[i * 512]);
			return 1;
		}
	}
	printf("pagetouch %lu MiB %lu pages %.0f ms ok\n", mib, pages, now_ms() - t0);
	return 0;
}
