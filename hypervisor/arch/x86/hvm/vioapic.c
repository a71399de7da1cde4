/*
 * The IO-APIC (Intel 82093AA data sheet), version 0x11 with 24 pins: IOREGSEL at offset 0x00 and
 * IOWIN at 0x10 of its page at 0xfec00000; registers ID (0), version (1), arbitration (2) and the
 * redirection table (0x10 + 2 * pin, low then high dword). A pin whose entry is unmasked sends one
 * message on a rising edge (edge trigger) or while it stays asserted (level trigger: Remote IRR is
 * set until the local APIC's EOI for that vector, then a still-asserted pin sends again).
 * Polarity is stored and reported; the platform passes pin levels as "asserted", so an active-low
 * entry is not inverted. Delivery status always reads idle: messages are sent at once.
 * Portable: messages leave through the callback.
 */
#include <argon/lib.h>
#include <asm/hvm/vplatform.h>

#define IOAPIC_VERSION (0x11u | ((VIOAPIC_PINS - 1u) << 16))
#define REDIR_WRITABLE_LO 0x1afffULL	/* vector, delivery mode, dest mode, polarity, trigger, mask */

void vioapic_init(struct vioapic *io, void (*deliver)(void *, const struct vioapic_msg *), void *ctx)
{
	unsigned int i;

	memset(io, 0, sizeof(*io));
	for (i = 0; i < VIOAPIC_PINS; i++) {
		io->redir[i] = VIOAPIC_MASKED;
	}
	io->deliver = deliver;
	io->ctx = ctx;
}

static void send(struct vioapic *io, unsigned int pin)
{
	uint64_t e = io->redir[pin];
	struct vioapic_msg m = {
		.vector = (uint8_t)e,
		.delivery_mode = (uint8_t)((e >> 8) & 7),
		.logical = e & (1ULL << 11),
		.level = e & VIOAPIC_LEVEL,
		.dest = (uint8_t)(e >> 56),
	};

	if (m.level) {
		io->redir[pin] |= VIOAPIC_REMOTE_IRR;
	}
	io->deliver(io->ctx, &m);
}

/* Send for @pin if its entry and level call for it now. */
static void service(struct vioapic *io, unsigned int pin)
{
	uint64_t e = io->redir[pin];

	if ((e & VIOAPIC_MASKED) || !(io->level & (1u << pin))) {
		return;
	}
	if ((e & VIOAPIC_LEVEL) && !(e & VIOAPIC_REMOTE_IRR)) {
		send(io, pin);
	}
}

void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level)
{
	uint32_t bit;
	bool rising;

	if (pin >= VIOAPIC_PINS) {
		return;
	}
	bit = 1u << pin;
	rising = level && !(io->level & bit);
	io->level = level ? io->level | bit : io->level & ~bit;
	if (io->redir[pin] & VIOAPIC_LEVEL) {
		service(io, pin);
	} else if (rising && !(io->redir[pin] & VIOAPIC_MASKED)) {
		send(io, pin);
	}
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	unsigned int i;

	for (i = 0; i < VIOAPIC_PINS; i++) {
		uint64_t e = io->redir[i];

		if ((e & VIOAPIC_LEVEL) && (e & VIOAPIC_REMOTE_IRR) && (uint8_t)e == vector) {
			io->redir[i] &= ~VIOAPIC_REMOTE_IRR;
			service(io, i);
		}
	}
}

static uint32_t read_reg(const struct vioapic *io, uint32_t reg)
{
	unsigned int pin;

	switch (reg) {
	case 0: return io->id << 24;
	case 1: return IOAPIC_VERSION;
	case 2: return io->id << 24;
	default:
		if (reg < 0x10 || reg >= 0x10 + 2 * VIOAPIC_PINS) {
			return 0xffffffff;
		}
		pin = (reg - 0x10) / 2;
		return reg & 1 ? (uint32_t)(io->redir[pin] >> 32) : (uint32_t)io->redir[pin];
	}
}

static void write_reg(struct vioapic *io, uint32_t reg, uint32_t val)
{
	unsigned int pin;
	uint64_t e;

	if (reg == 0) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (reg < 0x10 || reg >= 0x10 + 2 * VIOAPIC_PINS) {
		return;				/* version, arbitration and holes are read-only */
	}
	pin = (reg - 0x10) / 2;
	e = io->redir[pin];
	if (reg & 1) {
		e = (e & 0x00ffffffffffffffULL) | ((uint64_t)(val >> 24) << 56);
	} else {
		e = (e & 0xffffffff00000000ULL) | (e & VIOAPIC_REMOTE_IRR) | (val & REDIR_WRITABLE_LO);
		if (!(e & VIOAPIC_LEVEL)) {
			e &= ~VIOAPIC_REMOTE_IRR;
		}
	}
	io->redir[pin] = e;
	service(io, pin);		/* an unmasked, asserted level pin sends now */
}

void vioapic_mmio(struct vioapic *io, uint32_t off, bool write, uint32_t *val)
{
	switch (off) {
	case 0x00:
		if (write) {
			io->index = *val & 0xff;
		} else {
			*val = io->index;
		}
		return;
	case 0x10:
		if (write) {
			write_reg(io, io->index, *val);
		} else {
			*val = read_reg(io, io->index);
		}
		return;
	default:
		if (!write) {
			*val = 0;
		}
		return;
	}
}
