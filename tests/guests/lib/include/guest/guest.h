/*
 * The Argon PV test kernel framework: what every test kernel can use.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>

/* Matches GUEST_VIRT_BASE in guest.lds and the VIRT_BASE note. */
#define GUEST_VIRT_BASE 0xffffffff80000000UL
#define GUEST_PAGE_SIZE 4096UL

/* Image bounds from the linker script. */
extern char _image_start[], _image_end[];

/* The start_info page the builder handed over (RSI at entry). */
extern const struct start_info *start_info;

/* shared_info, once a kernel maps it (NULL until then; the hello kernel does not). */
extern struct shared_info *shared_info;

/* Write len bytes to the console through console_io. */
void console_write(const char *s, size_t len);
/* Formatted console output (the hypervisor's vsnprintf conversions). */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

/* End the domain through sched_op(SCHEDOP_shutdown, reason). */
__attribute__((noreturn)) void guest_shutdown(unsigned int reason);
/* Print a message and end the domain as crashed. */
__attribute__((noreturn, format(printf, 1, 2))) void guest_panic(const char *fmt, ...);

/* The page-aligned guest virtual address of pseudo-physical frame pfn in the initial mapping. */
static inline void *pfn_to_virt(uint64_t pfn)
{
	return (void *)(GUEST_VIRT_BASE + pfn * GUEST_PAGE_SIZE);
}

static inline uint64_t virt_to_pfn(const void *va)
{
	return ((uint64_t)(uintptr_t)va - GUEST_VIRT_BASE) / GUEST_PAGE_SIZE;
}

/* The machine frame of a pseudo-physical frame, from the builder's p2m list. */
static inline uint64_t pfn_to_mfn(uint64_t pfn)
{
	return ((const uint64_t *)(uintptr_t)start_info->mfn_list)[pfn];
}

#endif /* GUEST_GUEST_H */
