/*
 * The 8259A programmable interrupt controller pair of a PC (Intel 8259A data sheet; the logic of
 * QEMU's hw/intc/i8259.c): initialization command words 1-4, OCW1 (mask), OCW2 (EOI, specific EOI,
 * rotation), OCW3 (IRR/ISR read, poll, special mask), fully nested priority with rotation,
 * auto-EOI, edge or level inputs through the ELCR, and the slave cascaded on master input 2.
 * Portable: no architecture, no locks (the caller serialises), time-free.
 */
#include <argon/lib.h>
#include <asm/hvm/vplatform.h>

#define ICW1_ICW4 0x01
#define ICW1_SINGLE 0x02
#define ICW1_INIT 0x10
#define OCW3_SELECT 0x08
#define ELCR_MASK_MASTER 0xf8		/* IRQ 0, 1, 2 are always edge */
#define ELCR_MASK_SLAVE 0xde		/* IRQ 8 and 13 are always edge */

/* Priority of the highest set bit of @mask in rotation order (0 highest), 8 when none. */
static unsigned int priority_of(const struct vpic_chip *c, uint8_t mask)
{
	unsigned int prio = 0;

	if (!mask) {
		return 8;
	}
	while (!(mask & (1u << ((prio + c->priority_add) & 7)))) {
		prio++;
	}
	return prio;
}

/* The input this chip presents now (fully nested: above every in-service one), or -1. */
static int chip_pending(const struct vpic_chip *c)
{
	unsigned int prio = priority_of(c, c->irr & ~c->imr), cur;
	uint8_t in_service = c->isr;

	if (prio == 8) {
		return -1;
	}
	if (c->special_mask) {
		in_service &= ~c->imr;
	}
	cur = priority_of(c, in_service);
	return prio < cur ? (int)((prio + c->priority_add) & 7) : -1;
}

static void chip_set_input(struct vpic_chip *c, unsigned int n, bool level)
{
	uint8_t mask = (uint8_t)(1u << n);

	if (c->elcr & mask) {
		if (level) {
			c->irr |= mask;
			c->level |= mask;
		} else {
			c->irr &= ~mask;
			c->level &= ~mask;
		}
		return;
	}
	if (level) {
		if (!(c->level & mask)) {
			c->irr |= mask;
		}
		c->level |= mask;
	} else {
		c->level &= ~mask;
	}
}

/* The slave's INT output drives master input 2 (a level: the master sees it while it lasts). */
static void update_cascade(struct vpic *p)
{
	struct vpic_chip *m = &p->chip[0];

	if (chip_pending(&p->chip[1]) >= 0) {
		m->irr |= 1u << 2;
		m->level |= 1u << 2;
	} else {
		m->irr &= ~(1u << 2);
		m->level &= ~(1u << 2);
	}
}

static void chip_reset(struct vpic_chip *c)
{
	uint8_t elcr = c->elcr;

	memset(c, 0, sizeof(*c));
	c->elcr = elcr;
}

void vpic_init(struct vpic *p)
{
	memset(p, 0, sizeof(*p));
}

void vpic_set_irq(struct vpic *p, unsigned int irq, bool level)
{
	if (irq >= 16) {
		return;
	}
	chip_set_input(&p->chip[irq >> 3], irq & 7, level);
	update_cascade(p);
}

bool vpic_int_output(const struct vpic *p)
{
	return chip_pending(&p->chip[0]) >= 0;
}

/* The acknowledge of input @n on @c: in service (unless auto-EOI), and an edge request consumed. */
static void chip_ack(struct vpic_chip *c, unsigned int n)
{
	uint8_t mask = (uint8_t)(1u << n);

	if (c->auto_eoi) {
		if (c->rotate_on_aeoi) {
			c->priority_add = (uint8_t)((n + 1) & 7);
		}
	} else {
		c->isr |= mask;
	}
	if (!(c->elcr & mask)) {
		c->irr &= ~mask;
	}
}

uint8_t vpic_ack(struct vpic *p)
{
	struct vpic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_pending(m), irq2;
	uint8_t vec;

	if (irq < 0) {
		return m->vector_base + 7;	/* spurious IRQ 7 */
	}
	if (irq == 2) {
		irq2 = chip_pending(s);
		if (irq2 >= 0) {
			chip_ack(s, (unsigned int)irq2);
		} else {
			irq2 = 7;		/* spurious IRQ 15 */
		}
		vec = s->vector_base + (uint8_t)irq2;
	} else {
		vec = m->vector_base + (uint8_t)irq;
	}
	chip_ack(m, (unsigned int)irq);
	update_cascade(p);
	return vec;
}

/* OCW3 poll mode: the read is the acknowledge; 0x80 | input, or 0 when nothing is pending. */
static uint8_t chip_poll(struct vpic *p, unsigned int chip)
{
	struct vpic_chip *c = &p->chip[chip];
	int irq = chip_pending(c);

	c->poll = false;
	if (irq < 0) {
		return 0;
	}
	chip_ack(c, (unsigned int)irq);
	update_cascade(p);
	return (uint8_t)(0x80 | irq);
}

static void chip_eoi(struct vpic_chip *c, uint8_t val)
{
	unsigned int prio, n;

	switch (val >> 5) {
	case 0: c->rotate_on_aeoi = false; break;	/* rotate in auto-EOI: clear */
	case 4: c->rotate_on_aeoi = true; break;	/* rotate in auto-EOI: set */
	case 1: case 5:					/* non-specific EOI (and rotate) */
		prio = priority_of(c, c->isr);
		if (prio != 8) {
			n = (prio + c->priority_add) & 7;
			c->isr &= ~(1u << n);
			if (val >> 5 == 5) {
				c->priority_add = (uint8_t)((n + 1) & 7);
			}
		}
		break;
	case 3:						/* specific EOI */
		c->isr &= ~(1u << (val & 7));
		break;
	case 6:						/* set priority */
		c->priority_add = (uint8_t)((val + 1) & 7);
		break;
	case 7:						/* rotate on specific EOI */
		c->isr &= ~(1u << (val & 7));
		c->priority_add = (uint8_t)((val + 1) & 7);
		break;
	default:
		break;
	}
}

static void chip_write(struct vpic_chip *c, bool data, uint8_t val)
{
	if (!data) {
		if (val & ICW1_INIT) {
			chip_reset(c);
			c->icw_step = 2;
			c->icw4_needed = val & ICW1_ICW4;
			c->single = val & ICW1_SINGLE;
		} else if (val & OCW3_SELECT) {
			if (val & 0x04) {
				c->poll = true;
			}
			if (val & 0x02) {
				c->read_isr = val & 0x01;
			}
			if (val & 0x40) {
				c->special_mask = (val >> 5) & 1;
			}
		} else {
			chip_eoi(c, val);
		}
		return;
	}
	switch (c->icw_step) {
	case 0:
		c->imr = val;
		break;
	case 2:
		c->vector_base = val & 0xf8;
		c->icw_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		c->icw3 = val;
		c->icw_step = c->icw4_needed ? 4 : 0;
		break;
	default:
		c->auto_eoi = (val >> 1) & 1;
		c->icw_step = 0;
		break;
	}
}

void vpic_io(struct vpic *p, uint16_t port, bool in, uint8_t *val)
{
	unsigned int chip;
	struct vpic_chip *c;

	if (port == 0x4d0 || port == 0x4d1) {
		c = &p->chip[port & 1];
		if (in) {
			*val = c->elcr;
		} else {
			c->elcr = *val & (port == 0x4d0 ? ELCR_MASK_MASTER : ELCR_MASK_SLAVE);
		}
		return;
	}
	chip = (port & 0x80) ? 1 : 0;
	c = &p->chip[chip];
	if (in) {
		if (c->poll) {
			*val = chip_poll(p, chip);
		} else if (port & 1) {
			*val = c->imr;
		} else {
			*val = c->read_isr ? c->isr : c->irr;
		}
		return;
	}
	chip_write(c, port & 1, *val);
	update_cascade(p);
}
