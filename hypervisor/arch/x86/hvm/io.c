/*
 * Port I/O of HVM guests. Every port exits (the vendor's I/O permission map denies all); the
 * table below says which ports have an emulated device. Reads of other ports return all ones and
 * writes are dropped, as on a bus with nothing behind the port; nothing ever reaches a real port.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <public/sched.h>

struct io_handler {
	uint16_t base, count;
	/* @size is 1 unless the handler is wide (it takes 2- and 4-byte accesses whole). */
	void (*fn)(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val);
	const char *name;
	bool wide;
};

static void uart_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	vuart_io(v->domain, &v->domain->arch.hvm->uart, port, in, val);
}

/* Port 0x80: POST codes; writes are common and meaningless here. */
static void post_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	if (in) {
		*val = 0xff;
	}
}

/*
 * Port 0x64, the 8042's status/command port, kept only for its reset line. The FADT says there
 * is no 8042, so no driver probes further, but every OS's last-resort reboot (Linux's
 * BOOT_KBD, which its crash path ends in as well) waits for an empty input buffer here and then
 * pulses the reset line with command 0xfe: the status reads "both buffers empty" so the wait
 * ends at once, and 0xfe reboots the domain rather than the wait spinning on all ones and the
 * guest falling through to a triple fault.
 */
static void kbc_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	if (in) {
		*val = 0;
		return;
	}
	if ((*val & 0xff) == 0xfe) {
		log_info("d%u: reset through the keyboard controller: rebooting\n", v->domain->domain_id);
		domain_shutdown(v->domain, SHUTDOWN_reboot);
	}
}

/* PIC, PIT, RTC and PCI configuration ports (hvm/platform.c). */
static void platform_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	if (!hvm_platform_io(v, port, size, in, val) && in) {
		*val = 0xffffffff;
	}
}

static const struct io_handler io_handlers[] = {
	{ VUART_BASE, VUART_PORTS, uart_io, "COM1", false },
	{ 0x80, 1, post_io, "POST", false },
	{ 0x64, 1, kbc_io, "8042 reset", false },
	{ 0x20, 2, platform_io, "PIC master", false },
	{ 0xa0, 2, platform_io, "PIC slave", false },
	{ 0x4d0, 2, platform_io, "ELCR", false },
	{ 0x40, 4, platform_io, "PIT", false },
	{ 0x61, 1, platform_io, "PIT gate 2", false },
	{ 0x70, 2, platform_io, "RTC", false },
	{ 0xcf8, 8, platform_io, "PCI configuration", true },
	{ HVM_PM1A_EVT, HVM_PM_PORTS, platform_io, "ACPI PM", true },
};

/* One access of @size bytes; multi-byte accesses to byte-wide devices go byte by byte. */
static void port_access(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	unsigned int i, b;

	for (i = 0; i < ARRAY_SIZE(io_handlers); i++) {
		const struct io_handler *h = &io_handlers[i];

		if (port >= h->base && port < h->base + h->count) {
			uint32_t out = 0;

			if (h->wide) {
				h->fn(v, port, size, in, val);
				return;
			}
			for (b = 0; b < size; b++) {
				uint32_t byte = in ? 0 : (*val >> (8 * b)) & 0xff;

				h->fn(v, (uint16_t)(port + b), 1, in, &byte);
				out |= (byte & 0xff) << (8 * b);
			}
			if (in) {
				*val = out;
			}
			return;
		}
	}
	if (in) {
		*val = 0xffffffff;
	}
	hvm_log(v, "%s of unemulated port %#x (%u bytes)\n", in ? "read" : "write", port, size);
}

void hvm_handle_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint64_t next_rip)
{
	struct hvm_regs *r = &v->arch.hvm->regs;
	uint32_t val = (uint32_t)r->rax;

	if (size != 1 && size != 2 && size != 4) {
		hvm_crash(v, "I/O exit with size %u", size);
		return;
	}
	port_access(v, port, size, in, &val);
	if (in) {
		/* in al/ax/eax: a 32-bit result zero-extends, 8/16-bit ones merge. */
		if (size == 4) {
			r->rax = val;
		} else {
			uint64_t mask = (1ULL << (8 * size)) - 1;

			r->rax = (r->rax & ~mask) | (val & mask);
		}
	}
	r->rip = next_rip;
}

/* Linear address of @seg:@off (segment bases other than FS/GS are zero in 64-bit code). */
static uint64_t seg_linear(struct vcpu *v, enum hvm_seg seg, uint64_t off)
{
	struct hvm_segment s;

	if (hvm_code_bytes(v) == 8 && seg != HVM_SEG_FS && seg != HVM_SEG_GS) {
		return off;
	}
	hvm_ops->get_segment(v, seg, &s);
	return (s.base + off) & (hvm_code_bytes(v) == 8 ? ~0ULL : 0xffffffffULL);
}

/* At most this many elements per exit; a longer REP re-executes with rCX counting down. */
#define IO_STRING_MAX_REPS 4096

/*
 * The address size and segment of the string instruction at rip, from its legacy prefixes (the
 * bytes before next_rip): 0x67 toggles the address size, 26/2e/36/3e/64/65 override DS.
 */
static int string_io_prefixes(struct vcpu *v, uint64_t next_rip, unsigned int *addr_bytes,
			      enum hvm_seg *seg)
{
	struct hvm_regs *r = &v->arch.hvm->regs;
	unsigned int mode = hvm_code_bytes(v), len = (unsigned int)(next_rip - r->rip), i;
	uint8_t bytes[15];

	*addr_bytes = mode;
	*seg = HVM_SEG_DS;
	if (len < 1 || len > sizeof(bytes) ||
	    hvm_copy_from_guest_linear(v, bytes, seg_linear(v, HVM_SEG_CS, r->rip), len)) {
		return -EFAULT;
	}
	for (i = 0; i + 1 < len; i++) {
		switch (bytes[i]) {
		case 0x67:
			*addr_bytes = mode == 8 ? 4 : mode == 4 ? 2 : 4;
			break;
		case 0x26: *seg = HVM_SEG_ES; break;
		case 0x2e: *seg = HVM_SEG_CS; break;
		case 0x36: *seg = HVM_SEG_SS; break;
		case 0x3e: *seg = HVM_SEG_DS; break;
		case 0x64: *seg = HVM_SEG_FS; break;
		case 0x65: *seg = HVM_SEG_GS; break;
		default: break;		/* rep, operand size, REX */
		}
	}
	return 0;
}

void hvm_handle_string_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, bool rep,
			  uint64_t next_rip)
{
	struct hvm_regs *r = &v->arch.hvm->regs;
	unsigned int addr_bytes;
	enum hvm_seg seg;
	uint64_t amask, *index = in ? &r->rdi : &r->rsi;
	int64_t step = r->rflags & X86_EFLAGS_DF ? -(int64_t)size : (int64_t)size;
	uint64_t count, done;

	if (string_io_prefixes(v, next_rip, &addr_bytes, &seg)) {
		hvm_crash(v, "cannot read the string I/O instruction");
		return;
	}
	amask = addr_bytes >= 8 ? ~0ULL : (1ULL << (8 * addr_bytes)) - 1;
	count = rep ? r->rcx & amask : 1;
	if (size != 1 && size != 2 && size != 4) {
		hvm_crash(v, "string I/O exit with size %u", size);
		return;
	}
	for (done = 0; done < count && done < IO_STRING_MAX_REPS; done++) {
		uint64_t la = seg_linear(v, in ? HVM_SEG_ES : seg, *index & amask);
		uint32_t val = 0;
		int rc;

		if (in) {
			port_access(v, port, size, true, &val);
			rc = hvm_copy_to_guest_linear(v, la, &val, size);
		} else {
			rc = hvm_copy_from_guest_linear(v, &val, la, size);
			if (!rc) {
				port_access(v, port, size, false, &val);
			}
		}
		if (rc) {
			/* A page fault in the middle: not reflected to the guest yet. */
			hvm_crash(v, "%s from/to unmapped linear address %#llx", in ? "ins" : "outs",
				  (unsigned long long)la);
			return;
		}
		*index = (*index & ~amask) | ((*index + (uint64_t)step) & amask);
	}
	if (rep) {
		r->rcx = (r->rcx & ~amask) | ((count - done) & amask);
	}
	if (done == count) {
		r->rip = next_rip;
	}
}
