/*
 * Port I/O of HVM guests. Every port exits (the vendor's I/O permission map denies all); the
 * table below says which ports have an emulated device. Reads of other ports return all ones and
 * writes are dropped, as on a bus with nothing behind the port; nothing ever reaches a real port.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/hvm/emulate.h>
#include <asm/hvm/hvm.h>

struct io_handler {
	uint16_t base, count;
	void (*fn)(struct vcpu *v, uint16_t port, bool in, uint32_t *val);
	const char *name;
};

static void uart_io(struct vcpu *v, uint16_t port, bool in, uint32_t *val)
{
	vuart_io(v->domain, &v->domain->arch.hvm->uart, port, in, val);
}

/* Port 0x80: POST codes; writes are common and meaningless here. */
static void post_io(struct vcpu *v, uint16_t port, bool in, uint32_t *val)
{
	if (in) {
		*val = 0xff;
	}
}

static const struct io_handler io_handlers[] = {
	{ VUART_BASE, VUART_PORTS, uart_io, "COM1" },
	{ 0x80, 1, post_io, "POST" },
};

/* One access of @size bytes; multi-byte accesses to byte-wide devices go byte by byte. */
static void port_access(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	unsigned int i, b;

	for (i = 0; i < ARRAY_SIZE(io_handlers); i++) {
		const struct io_handler *h = &io_handlers[i];

		if (port >= h->base && port < h->base + h->count) {
			uint32_t out = 0;

			for (b = 0; b < size; b++) {
				uint32_t byte = in ? 0 : (*val >> (8 * b)) & 0xff;

				h->fn(v, (uint16_t)(port + b), in, &byte);
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

void hvm_handle_string_io(struct vcpu *v, uint16_t port, unsigned int size, bool in,
			  uint64_t next_rip)
{
	/* INS/OUTS need the segment, address size and direction of the instruction: not yet. */
	hvm_crash(v, "string I/O (%s port %#x) is not emulated", in ? "ins" : "outs", port);
}
