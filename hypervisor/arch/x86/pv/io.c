/*
 * Port I/O from PV guests. A ring-3 kernel's in/out faults (IOPL 0, no TSS bitmap); Argon decodes
 * the instruction and applies the policy: only the privileged domain, and only with a virtual
 * IOPL that admits its mode (physdev_op set_iopl), reaches real ports; ports Argon itself owns
 * read back all ones and ignore writes, as Xen shows dom0 its 8259 ports.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <asm/io.h>
#include <asm/pv.h>
#include <public/physdev.h>

/* Ports the hypervisor keeps: the PICs and ELCR, the PIT and port B, COM1, the test-exit port. */
static bool port_owned_by_argon(unsigned int port)
{
	return (port >= 0x20 && port <= 0x21) || (port >= 0xa0 && port <= 0xa1) ||
	       (port >= 0x4d0 && port <= 0x4d1) || (port >= 0x40 && port <= 0x43) || port == 0x61 ||
	       (port >= 0x3f8 && port <= 0x3ff) || (port >= 0xf4 && port <= 0xf7);
}

/* Whether the vCPU's current mode may do port I/O at all: 64-bit PV kernel mode counts as CPL 1. */
bool pv_iopl_admits(const struct vcpu *v)
{
	return v->arch.iopl >= (v->arch.kernel_mode ? 1u : 3u);
}

static bool range_owned_by_argon(unsigned int port, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		if (port_owned_by_argon(port + i)) {
			return true;
		}
	}
	return false;
}

static uint32_t port_in(unsigned int port, unsigned int size)
{
	uint32_t v = 0, i;

	/* Devices care about access size (PCI's 0xcf8 only latches 32-bit writes): keep it. */
	if (!range_owned_by_argon(port, size)) {
		return size == 4 ? inl((uint16_t)port) : size == 2 ? inw((uint16_t)port) : inb((uint16_t)port);
	}
	for (i = 0; i < size; i++) {
		uint8_t b = port_owned_by_argon(port + i) ? 0xff : inb((uint16_t)(port + i));

		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

static void port_out(unsigned int port, unsigned int size, uint32_t v)
{
	uint32_t i;

	if (!range_owned_by_argon(port, size)) {
		if (size == 4) {
			outl((uint16_t)port, v);
		} else if (size == 2) {
			outw((uint16_t)port, (uint16_t)v);
		} else {
			outb((uint16_t)port, (uint8_t)v);
		}
		return;
	}
	for (i = 0; i < size; i++) {
		if (!port_owned_by_argon(port + i)) {
			outb((uint16_t)(port + i), (uint8_t)(v >> (8 * i)));
		}
	}
}

bool pv_emulate_io(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[4];
	unsigned int i = 0, size = 4, port, len;
	bool in;

	bool granted = v->domain->is_privileged;

	/*
	 * With its virtual IOPL high enough a kernel may execute in/out; ports it was not granted
	 * (every port, for an unprivileged domain) read all ones and ignore writes, as on Xen, so a
	 * domU's probing of absent hardware (Linux's early PCI probe) finds nothing rather than dying.
	 */
	if (!pv_iopl_admits(v) || copy_from_guest(insn, regs->rip, 2)) {
		return false;
	}
	if (insn[0] == 0x66) {
		size = 2;
		i = 1;
		if (copy_from_guest(insn, regs->rip, 3)) {
			return false;
		}
	}
	switch (insn[i]) {
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* in/out with an 8-bit immediate port */
		port = insn[i + 1];
		len = i + 2;
		break;
	case 0xec: case 0xed: case 0xee: case 0xef:	/* in/out with the port in dx */
		port = (uint16_t)regs->rdx;
		len = i + 1;
		break;
	default:
		return false;	/* string I/O and everything else: not emulated */
	}
	if (!(insn[i] & 1)) {
		size = 1;
	}
	in = !(insn[i] & 2);
	if (in) {
		uint32_t val = granted ? port_in(port, size) : (uint32_t)(((uint64_t)1 << (8 * size)) - 1);

		if (size == 4) {
			regs->rax = val;	/* a 32-bit result zero-extends into rax */
		} else {
			uint64_t mask = size == 2 ? 0xffff : 0xff;

			regs->rax = (regs->rax & ~mask) | val;
		}
	} else if (granted) {
		port_out(port, size, (uint32_t)regs->rax);
	}
	regs->rip += len;
	return true;
}

long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest(&s, arg, sizeof(s))) {
			return -EFAULT;
		}
		if (s.iopl > 3) {
			return -EINVAL;
		}
		v->arch.iopl = s.iopl;
		return 0;
	}
	default:
		/* Interrupt routing, PCI and the rest come with dom0 support. */
		return -ENOSYS;
	}
}
