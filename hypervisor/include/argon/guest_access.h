/*
 * Access to guest memory. Every pointer a guest passes is untrusted: these copy through the
 * guest's own page tables (the current address space) and turn any fault into -EFAULT, never a
 * hypervisor crash. Addresses in the hypervisor's window are refused up front.
 */
#ifndef ARGON_GUEST_ACCESS_H
#define ARGON_GUEST_ACCESS_H

#include <argon/types.h>

/** Copy @len bytes from guest virtual address @src; 0 or -EFAULT. */
int copy_from_guest(void *dst, uint64_t src, size_t len);

/** Copy @len bytes to guest virtual address @dst; 0 or -EFAULT. */
int copy_to_guest(uint64_t dst, const void *src, size_t len);

/** Zero @len bytes at guest virtual address @dst; 0 or -EFAULT. */
int clear_guest(uint64_t dst, size_t len);

#endif
