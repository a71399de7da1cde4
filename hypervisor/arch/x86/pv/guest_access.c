/*
 * Copies to and from the current guest's address space (see guest_access.h). HVM vCPUs go through
 * their own page tables and the p2m instead (arch/x86/hvm/guest_access.c).
 */
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/layout.h>

long raw_copy_guest(void *dst, const void *src, size_t len);
long raw_clear_guest(void *dst, size_t len);

/* A guest range must be canonical, not wrap, and stay out of the hypervisor's window. */
static bool guest_range_ok(uint64_t addr, size_t len)
{
	uint64_t end = addr + len;

	if (end < addr) {
		return false;
	}
	if (addr < HYPERVISOR_VIRT_END && end > HYPERVISOR_VIRT_START) {
		return false;
	}
	/* Both ends must be in the lower or the upper canonical half. */
	return (end <= 0x0000800000000000UL) || (addr >= 0xffff800000000000UL);
}

int copy_from_guest(void *dst, uint64_t src, size_t len)
{
	if (is_hvm_vcpu(current_vcpu())) {
		return hvm_copy_from_guest_linear(current_vcpu(), dst, src, len);
	}
	if (!guest_range_ok(src, len)) {
		return -EFAULT;
	}
	return (int)raw_copy_guest(dst, (const void *)src, len);
}

int copy_to_guest(uint64_t dst, const void *src, size_t len)
{
	if (is_hvm_vcpu(current_vcpu())) {
		return hvm_copy_to_guest_linear(current_vcpu(), dst, src, len);
	}
	if (!guest_range_ok(dst, len)) {
		return -EFAULT;
	}
	return (int)raw_copy_guest((void *)dst, src, len);
}

int clear_guest(uint64_t dst, size_t len)
{
	if (is_hvm_vcpu(current_vcpu())) {
		return hvm_clear_guest_linear(current_vcpu(), dst, len);
	}
	if (!guest_range_ok(dst, len)) {
		return -EFAULT;
	}
	return (int)raw_clear_guest((void *)dst, len);
}
