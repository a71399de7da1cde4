/*
 * The 8254 programmable interval timer (Intel 82C54 data sheet): three counters at 1.193182 MHz
 * with modes 0-5, LSB/MSB/word access with its flip-flops, counter latch and read-back commands,
 * and port 0x61 with channel 2's gate (bit 0) and output (bit 5), which Linux's TSC calibration
 * polls. The counters are not stepped: each is a function of the system time since it was loaded
 * (as in QEMU's hw/timer/i8254_common.c), so reading them costs nothing between exits. Channel 0's
 * output edges become IRQ 0 in hvm/platform.c through vpit_next_irq(). BCD counting is not
 * implemented (the mode bit is stored and reported); Linux never asks for it.
 * Portable: the time comes in as an argument.
 */
#include <argon/lib.h>
#include <asm/hvm/vplatform.h>

#define NS_PER_SEC 1000000000ULL

/* Whole PIT clocks in @ns nanoseconds (no overflow for any s_time_t). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_SEC * VPIT_HZ + ns % NS_PER_SEC * VPIT_HZ / NS_PER_SEC;
}

/* The first nanosecond by which @t clocks have passed. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / VPIT_HZ * NS_PER_SEC + (t % VPIT_HZ * NS_PER_SEC + VPIT_HZ - 1) / VPIT_HZ;
}

/* Clocks counted since the load (the gate of a stopped counter holds the count). */
static uint64_t elapsed(const struct vpit_channel *c, s_time_t now)
{
	s_time_t ns;

	if (!c->counting) {
		return 0;
	}
	ns = c->gate ? now - c->load_time : c->frozen;
	return ns > 0 ? ns_to_ticks((uint64_t)ns) : 0;
}

uint16_t vpit_read_count(const struct vpit *p, unsigned int n, s_time_t now)
{
	const struct vpit_channel *c = &p->ch[n];
	uint64_t d = elapsed(c, now);

	switch (c->mode) {
	case 2: return (uint16_t)(c->count - d % c->count);
	case 3: return (uint16_t)(c->count - (2 * d) % c->count);
	default: return (uint16_t)((c->count - d) & 0xffff);
	}
}

bool vpit_output(const struct vpit *p, unsigned int n, s_time_t now)
{
	const struct vpit_channel *c = &p->ch[n];
	uint64_t d = elapsed(c, now);

	if (!c->counting) {
		return c->mode != 0;
	}
	switch (c->mode) {
	case 0: return d >= c->count;			/* high at terminal count, and stays */
	case 1: return d >= c->count;			/* one-shot: low while counting */
	case 2: return d % c->count != c->count - 1;	/* low for the last clock of each period */
	case 3: return d % c->count < (c->count + 1) / 2;	/* square wave, high half first */
	default: return d != c->count;			/* 4, 5: a one-clock strobe at terminal count */
	}
}

s_time_t vpit_next_irq(const struct vpit *p, s_time_t now)
{
	const struct vpit_channel *c = &p->ch[0];
	uint64_t d = elapsed(c, now), next;

	if (!c->counting) {
		return -1;
	}
	switch (c->mode) {
	case 0:
		if (d >= c->count) {
			return -1;
		}
		next = c->count;
		break;
	case 2: case 3:
		next = (d / c->count + 1) * c->count;
		break;
	default:
		return -1;			/* one-shot modes without a gate edge: no interrupts */
	}
	return c->load_time + (s_time_t)ticks_to_ns(next);
}

void vpit_init(struct vpit *p, s_time_t now)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 3; i++) {
		p->ch[i].count = 0x10000;
		p->ch[i].rw_mode = 3;
		p->ch[i].gate = i != 2;
		p->ch[i].load_time = now;
	}
}

static void latch_count(struct vpit *p, unsigned int n, s_time_t now)
{
	struct vpit_channel *c = &p->ch[n];

	if (!c->latched) {
		c->latch = vpit_read_count(p, n, now);
		c->latched = true;
		c->read_hi = false;
	}
}

static void latch_status(struct vpit *p, unsigned int n, s_time_t now)
{
	struct vpit_channel *c = &p->ch[n];

	if (!c->status_latched) {
		c->status = (uint8_t)((vpit_output(p, n, now) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
				      (c->rw_mode << 4) | (c->mode << 1) | (c->bcd ? 1 : 0));
		c->status_latched = true;
	}
}

static void control_word(struct vpit *p, uint8_t val, s_time_t now)
{
	unsigned int n = val >> 6, i;
	struct vpit_channel *c;

	if (n == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 select. */
		for (i = 0; i < 3; i++) {
			if (!(val & (2u << i))) {
				continue;
			}
			if (!(val & 0x20)) {
				latch_count(p, i, now);
			}
			if (!(val & 0x10)) {
				latch_status(p, i, now);
			}
		}
		return;
	}
	c = &p->ch[n];
	if (!(val & 0x30)) {
		latch_count(p, n, now);		/* counter latch command */
		return;
	}
	c->rw_mode = (val >> 4) & 3;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5) {
		c->mode -= 4;			/* 6 and 7 are aliases of 2 and 3 */
	}
	c->bcd = val & 1;
	c->null_count = true;
	c->counting = false;			/* a new mode waits for its count */
	c->write_hi = c->read_hi = false;
	c->latched = c->status_latched = false;
}

static void load_count(struct vpit_channel *c, uint32_t count, s_time_t now)
{
	c->count = count ? count : 0x10000;
	c->load_time = now;
	c->frozen = 0;
	c->counting = true;
	c->null_count = false;
}

static void write_count(struct vpit_channel *c, uint8_t val, s_time_t now)
{
	switch (c->rw_mode) {
	case 1: load_count(c, val, now); break;
	case 2: load_count(c, (uint32_t)val << 8, now); break;
	default:
		if (!c->write_hi) {
			c->write_lo = val;
			c->write_hi = true;
		} else {
			c->write_hi = false;
			load_count(c, c->write_lo | ((uint32_t)val << 8), now);
		}
		break;
	}
}

static uint8_t read_count(struct vpit *p, unsigned int n, s_time_t now)
{
	struct vpit_channel *c = &p->ch[n];
	uint16_t count = c->latched ? c->latch : vpit_read_count(p, n, now);
	uint8_t ret;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	switch (c->rw_mode) {
	case 1: c->latched = false; return (uint8_t)count;
	case 2: c->latched = false; return (uint8_t)(count >> 8);
	default:
		ret = c->read_hi ? (uint8_t)(count >> 8) : (uint8_t)count;
		if (c->read_hi) {
			c->latched = false;
		}
		c->read_hi = !c->read_hi;
		return ret;
	}
}

/* Channel 2's gate follows port 0x61 bit 0: low holds the count, a rising edge restarts or resumes. */
static void set_gate2(struct vpit_channel *c, bool gate, s_time_t now)
{
	if (gate == c->gate) {
		return;
	}
	if (!gate) {
		c->frozen = now - c->load_time;
	} else if (c->mode == 0 || c->mode == 4) {
		c->load_time = now - c->frozen;
	} else {
		c->load_time = now;		/* modes 1, 2, 3, 5 are (re)triggered by the edge */
	}
	c->gate = gate;
}

void vpit_io(struct vpit *p, uint16_t port, bool in, uint8_t *val, s_time_t now)
{
	if (port == 0x61) {
		if (in) {
			/* Bit 4 is the DRAM refresh toggle (every 15.085 us), bit 5 OUT2. */
			*val = (uint8_t)((p->port61 & 0x0f) | ((now / 15085) & 1 ? 0x10 : 0) |
					 (vpit_output(p, 2, now) ? 0x20 : 0));
		} else {
			p->port61 = *val & 0x0f;
			set_gate2(&p->ch[2], *val & 1, now);
		}
		return;
	}
	if (port == 0x43) {
		if (!in) {
			control_word(p, *val, now);
		} else {
			*val = 0xff;		/* the control register cannot be read */
		}
		return;
	}
	if (in) {
		*val = read_count(p, port - 0x40, now);
	} else {
		write_count(&p->ch[port - 0x40], *val, now);
	}
}
