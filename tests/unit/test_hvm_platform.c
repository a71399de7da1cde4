/*
 * The legacy platform device models of HVM guests (hypervisor/arch/x86/hvm/vpic.c, vpit.c,
 * vrtc.c, vioapic.c, vpci.c), driven through their ports and registers the way Linux and a BIOS
 * drive them, with time passed in.
 */
#include "unit.h"
#include <asm/hvm/vplatform.h>

static void pic_out(struct vpic *p, uint16_t port, uint8_t v)
{
	vpic_io(p, port, false, &v);
}

static uint8_t pic_in(struct vpic *p, uint16_t port)
{
	uint8_t v = 0;

	vpic_io(p, port, true, &v);
	return v;
}

/* Linux's init_8259A(): ICW1 edge+ICW4, vectors 0x30/0x38 here, cascade on 2, 8086 mode. */
static void pic_linux_init(struct vpic *p)
{
	vpic_init(p);
	pic_out(p, 0x20, 0x11);
	pic_out(p, 0x21, 0x30);
	pic_out(p, 0x21, 0x04);
	pic_out(p, 0x21, 0x01);
	pic_out(p, 0xa0, 0x11);
	pic_out(p, 0xa1, 0x38);
	pic_out(p, 0xa1, 0x02);
	pic_out(p, 0xa1, 0x01);
	pic_out(p, 0x21, 0x00);
	pic_out(p, 0xa1, 0x00);
}

static void test_pic_priority_and_eoi(void **state)
{
	struct vpic p;

	pic_linux_init(&p);
	assert_false(vpic_int_output(&p));
	assert_int_equal(vpic_ack(&p), 0x37);		/* nothing: spurious IRQ 7 */
	vpic_set_irq(&p, 3, true);
	vpic_set_irq(&p, 1, true);
	assert_true(vpic_int_output(&p));
	assert_int_equal(vpic_ack(&p), 0x31);		/* lowest input first */
	/* IRQ 3 is below the in-service IRQ 1: not presented until the EOI. */
	assert_false(vpic_int_output(&p));
	pic_out(&p, 0x20, 0x0b);			/* OCW3: read ISR */
	assert_int_equal(pic_in(&p, 0x20), 0x02);
	pic_out(&p, 0x20, 0x0a);			/* OCW3: read IRR */
	assert_int_equal(pic_in(&p, 0x20), 0x08);
	/* IRQ 0 preempts IRQ 1 (fully nested). */
	vpic_set_irq(&p, 0, true);
	assert_true(vpic_int_output(&p));
	assert_int_equal(vpic_ack(&p), 0x30);
	pic_out(&p, 0x20, 0x20);			/* non-specific EOI: IRQ 0 */
	pic_out(&p, 0x20, 0x20);			/* and IRQ 1 */
	assert_true(vpic_int_output(&p));
	assert_int_equal(vpic_ack(&p), 0x33);
	pic_out(&p, 0x20, 0x63);			/* specific EOI for 3 */
	pic_out(&p, 0x20, 0x0b);
	assert_int_equal(pic_in(&p, 0x20), 0);
	/* An edge input requests once per rising edge. */
	vpic_set_irq(&p, 3, true);
	assert_false(vpic_int_output(&p));
	vpic_set_irq(&p, 3, false);
	vpic_set_irq(&p, 3, true);
	assert_true(vpic_int_output(&p));
	/* Masked: no output, and IMR reads back. */
	pic_out(&p, 0x21, 0x08);
	assert_int_equal(pic_in(&p, 0x21), 0x08);
	assert_false(vpic_int_output(&p));
	pic_out(&p, 0x21, 0x00);
	assert_true(vpic_int_output(&p));
}

static void test_pic_cascade_level_poll(void **state)
{
	struct vpic p;
	uint8_t v;

	pic_linux_init(&p);
	vpic_set_irq(&p, 10, true);
	assert_true(vpic_int_output(&p));
	assert_int_equal(vpic_ack(&p), 0x3a);
	pic_out(&p, 0xa0, 0x0b);
	assert_int_equal(pic_in(&p, 0xa0), 0x04);	/* slave ISR: input 2 */
	pic_out(&p, 0x20, 0x0b);
	assert_int_equal(pic_in(&p, 0x20), 0x04);	/* master ISR: the cascade */
	pic_out(&p, 0xa0, 0x20);
	pic_out(&p, 0x20, 0x20);
	/* Masking the cascade input hides the slave. */
	vpic_set_irq(&p, 12, true);
	pic_out(&p, 0x21, 0x04);
	assert_false(vpic_int_output(&p));
	pic_out(&p, 0x21, 0x00);
	assert_int_equal(vpic_ack(&p), 0x3c);
	pic_out(&p, 0xa0, 0x20);
	pic_out(&p, 0x20, 0x20);
	/* Level-triggered (ELCR): the request stays while the line is high, goes when it drops. */
	v = 0x08;
	vpic_io(&p, 0x4d1, false, &v);			/* IRQ 11 level */
	v = 0xff;
	vpic_io(&p, 0x4d0, false, &v);
	vpic_io(&p, 0x4d0, true, &v);
	assert_int_equal(v, 0xf8);			/* IRQ 0-2 cannot be level */
	vpic_set_irq(&p, 11, true);
	assert_int_equal(vpic_ack(&p), 0x3b);
	pic_out(&p, 0xa0, 0x20);
	pic_out(&p, 0x20, 0x20);
	assert_true(vpic_int_output(&p));		/* still high: requested again */
	vpic_set_irq(&p, 11, false);
	assert_false(vpic_int_output(&p));
	/* Poll mode: the read acknowledges. */
	vpic_set_irq(&p, 5, true);
	pic_out(&p, 0x20, 0x0c);
	assert_int_equal(pic_in(&p, 0x20), 0x85);
	pic_out(&p, 0x20, 0x0c);
	assert_int_equal(pic_in(&p, 0x20), 0x00);	/* 5 in service, nothing else */
	/* Auto-EOI: nothing stays in service. */
	vpic_init(&p);
	pic_out(&p, 0x20, 0x13);			/* single, ICW4 */
	pic_out(&p, 0x21, 0x40);
	pic_out(&p, 0x21, 0x03);			/* auto-EOI */
	vpic_set_irq(&p, 4, true);
	assert_int_equal(vpic_ack(&p), 0x44);
	pic_out(&p, 0x20, 0x0b);
	assert_int_equal(pic_in(&p, 0x20), 0);
}

static void pit_out(struct vpit *p, uint16_t port, uint8_t v, s_time_t now)
{
	vpit_io(p, port, false, &v, now);
}

static uint8_t pit_in(struct vpit *p, uint16_t port, s_time_t now)
{
	uint8_t v = 0;

	vpit_io(p, port, true, &v, now);
	return v;
}

#define PIT_TICK_NS(n) ((s_time_t)((n) * 1000000000ULL / VPIT_HZ))

static void test_pit_linux_calibration(void **state)
{
	struct vpit p;
	s_time_t t0 = 5000000000LL;
	uint8_t lo, hi;

	vpit_init(&p, 0);
	/* quick_pit_calibrate(): gate high, speaker off, channel 2 mode 0, count 0xffff. */
	pit_out(&p, 0x61, (pit_in(&p, 0x61, t0) & ~0x02) | 0x01, t0);
	pit_out(&p, 0x43, 0xb0, t0);
	pit_out(&p, 0x42, 0xff, t0);
	pit_out(&p, 0x42, 0xff, t0);
	assert_int_equal(pit_in(&p, 0x61, t0) & 0x20, 0);	/* OUT2 low while counting */
	/* After 1000 clocks the count has gone down by 1000: LSB then MSB. */
	lo = pit_in(&p, 0x42, t0 + PIT_TICK_NS(1000) + 1);
	hi = pit_in(&p, 0x42, t0 + PIT_TICK_NS(1000) + 1);
	assert_int_equal(lo | hi << 8, 0xffff - 1000);
	/* The MSB after 256 * 100 clocks (what pit_expect_msb() waits for). */
	lo = pit_in(&p, 0x42, t0 + PIT_TICK_NS(25600) + 1);
	hi = pit_in(&p, 0x42, t0 + PIT_TICK_NS(25600) + 1);
	assert_int_equal(hi, 0xff - 100);
	/* pit_calibrate_tsc(): OUT2 goes high at terminal count and stays. */
	assert_int_equal(pit_in(&p, 0x61, t0 + PIT_TICK_NS(0xffff) - 2000) & 0x20, 0);
	assert_int_equal(pit_in(&p, 0x61, t0 + PIT_TICK_NS(0x10000) + 1000) & 0x20, 0x20);
	/* Gate low stops the count; high resumes it (mode 0). */
	pit_out(&p, 0x43, 0xb0, t0);
	pit_out(&p, 0x42, 0x00, t0);
	pit_out(&p, 0x42, 0x10, t0);			/* 0x1000 */
	pit_out(&p, 0x61, 0x00, t0 + PIT_TICK_NS(0x100) + 1);
	pit_out(&p, 0x43, 0x80, t0 + PIT_TICK_NS(0x900));	/* counter latch, channel 2 */
	lo = pit_in(&p, 0x42, t0 + PIT_TICK_NS(0x900));
	hi = pit_in(&p, 0x42, t0 + PIT_TICK_NS(0x900));
	assert_int_equal(lo | hi << 8, 0x1000 - 0x100);
}

static void test_pit_latch_readback_and_irq(void **state)
{
	struct vpit p;
	s_time_t t0 = 1000;
	uint8_t lo, hi;

	vpit_init(&p, 0);
	assert_int_equal(vpit_next_irq(&p, t0), -1);	/* nothing loaded */
	/* Channel 0, mode 2, count 1193 (~1 ms): periodic edges. */
	pit_out(&p, 0x43, 0x34, t0);
	pit_out(&p, 0x40, 1193 & 0xff, t0);
	assert_int_equal(vpit_next_irq(&p, t0), -1);	/* half a count: not loaded yet */
	pit_out(&p, 0x40, 1193 >> 8, t0);
	/* The first nanosecond by which 1193 and 2386 clocks have passed. */
	assert_int_equal(vpit_next_irq(&p, t0) - t0, 999848);
	assert_int_equal(vpit_next_irq(&p, t0 + 999848) - t0, 1999695);
	assert_true(vpit_next_irq(&p, t0 + 10000000) > t0 + 10000000);
	/* Counter latch: later reads see the latched value until both bytes are read. */
	pit_out(&p, 0x43, 0x00, t0 + PIT_TICK_NS(100) + 1);
	lo = pit_in(&p, 0x40, t0 + PIT_TICK_NS(500));
	hi = pit_in(&p, 0x40, t0 + PIT_TICK_NS(900));
	assert_int_equal(lo | hi << 8, 1193 - 100);
	/* Read-back of status and count of channel 0: status first. */
	pit_out(&p, 0x43, 0xc2, t0 + PIT_TICK_NS(200) + 1);
	assert_int_equal(pit_in(&p, 0x40, t0), 0x34 | 0x80);	/* OUT high, LSB/MSB, mode 2 */
	lo = pit_in(&p, 0x40, t0);
	hi = pit_in(&p, 0x40, t0);
	assert_int_equal(lo | hi << 8, 1193 - 200);
	/* Mode 0 on channel 0: one edge at terminal count, then none. */
	pit_out(&p, 0x43, 0x30, t0);
	pit_out(&p, 0x40, 0x00, t0);
	pit_out(&p, 0x40, 0x01, t0);			/* 256 */
	assert_int_equal(vpit_next_irq(&p, t0), t0 + PIT_TICK_NS(256) + 1);
	assert_int_equal(vpit_next_irq(&p, t0 + PIT_TICK_NS(257)), -1);
	/* LSB-only mode: one write loads. Mode 3 (square wave) counts down by two. */
	pit_out(&p, 0x43, 0x16, t0);
	pit_out(&p, 0x40, 100, t0);
	assert_int_equal(vpit_read_count(&p, 0, t0 + PIT_TICK_NS(10) + 1), 80);
	assert_true(vpit_output(&p, 0, t0 + PIT_TICK_NS(10) + 1));
	assert_false(vpit_output(&p, 0, t0 + PIT_TICK_NS(60) + 1));
	assert_int_equal(pit_in(&p, 0x43, t0), 0xff);
}

static uint8_t rtc_read(struct vrtc *r, uint8_t idx, int64_t wall)
{
	uint8_t v = idx;

	vrtc_io(r, 0x70, false, &v, wall);
	vrtc_io(r, 0x71, true, &v, wall);
	return v;
}

static void rtc_write(struct vrtc *r, uint8_t idx, uint8_t val, int64_t wall)
{
	vrtc_io(r, 0x70, false, &idx, wall);
	vrtc_io(r, 0x71, false, &val, wall);
}

static void test_rtc_calendar(void **state)
{
	static const struct {
		int64_t secs;
		struct vrtc_tm tm;
	} cases[] = {
		{ 0, { 1970, 1, 1, 0, 0, 0, 4 } },
		{ 951782400, { 2000, 2, 29, 0, 0, 0, 2 } },
		{ 1735689599, { 2024, 12, 31, 23, 59, 59, 2 } },
		{ 2147483647, { 2038, 1, 19, 3, 14, 7, 2 } },
		{ 4107542400LL, { 2100, 3, 1, 0, 0, 0, 1 } },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vrtc_tm tm;

		vrtc_epoch_to_tm(cases[i].secs, &tm);
		assert_memory_equal(&tm, &cases[i].tm, sizeof(tm));
	}
}

static void test_rtc_registers(void **state)
{
	/* 2026-11-26 02:47:30.5 UTC, a Thursday. */
	int64_t wall = 1795661250LL * 1000000000LL + 500000000LL;
	struct vrtc r;

	vrtc_init(&r, 640, 31 * 1024);
	assert_int_equal(rtc_read(&r, 0x00, wall), 0x30);	/* BCD */
	assert_int_equal(rtc_read(&r, 0x02, wall), 0x47);
	assert_int_equal(rtc_read(&r, 0x04, wall), 0x02);
	assert_int_equal(rtc_read(&r, 0x06, wall), 0x05);	/* Thursday = 5 */
	assert_int_equal(rtc_read(&r, 0x07, wall), 0x26);
	assert_int_equal(rtc_read(&r, 0x08, wall), 0x11);
	assert_int_equal(rtc_read(&r, 0x09, wall), 0x26);
	assert_int_equal(rtc_read(&r, 0x32, wall), 0x20);
	assert_int_equal(rtc_read(&r, 0x0d, wall), 0x80);
	assert_int_equal(rtc_read(&r, 0x0a, wall) & 0x80, 0);
	assert_int_equal(rtc_read(&r, 0x0a, wall + 499900000LL) & 0x80, 0x80);	/* update in progress */
	/* NVRAM memory sizes as a BIOS leaves them. */
	assert_int_equal(rtc_read(&r, 0x15, wall) | rtc_read(&r, 0x16, wall) << 8, 640);
	assert_int_equal(rtc_read(&r, 0x17, wall) | rtc_read(&r, 0x18, wall) << 8, 31 * 1024);
	assert_int_equal(rtc_read(&r, 0x34, wall) | rtc_read(&r, 0x35, wall) << 8, 256);
	/* Binary, 12-hour: 2 AM; then 14:00 reads as PM 2. */
	rtc_write(&r, 0x0b, 0x04, wall);
	assert_int_equal(rtc_read(&r, 0x00, wall), 30);
	assert_int_equal(rtc_read(&r, 0x04, wall), 2);
	assert_int_equal(rtc_read(&r, 0x04, wall + 12 * 3600 * 1000000000LL), 0x82);
	/* Setting the clock (SET, fields, clear SET) moves the guest's time, not the host's. */
	rtc_write(&r, 0x0b, 0x02, wall);		/* back to BCD: SET switches to binary */
	rtc_write(&r, 0x0b, 0x86, wall);		/* SET, binary, 24 h */
	rtc_write(&r, 0x09, 99, wall);
	rtc_write(&r, 0x32, 19, wall);
	rtc_write(&r, 0x08, 12, wall);
	assert_int_equal(rtc_read(&r, 0x07, wall), 26);
	/* Day of month not written: it keeps the value SET froze, in the new (binary) format. */
	rtc_write(&r, 0x04, 23, wall);
	rtc_write(&r, 0x02, 59, wall);
	rtc_write(&r, 0x00, 58, wall);
	assert_int_equal(rtc_read(&r, 0x00, wall + 5000000000LL), 58);	/* frozen while SET */
	rtc_write(&r, 0x0b, 0x06, wall);
	assert_int_equal(rtc_read(&r, 0x00, wall + 1000000000LL), 59);
	assert_int_equal(rtc_read(&r, 0x00, wall + 2000000000LL), 0);
	assert_int_equal(rtc_read(&r, 0x07, wall + 2000000000LL), 27);
	assert_int_equal(rtc_read(&r, 0x08, wall + 2000000000LL), 12);
	assert_int_equal(rtc_read(&r, 0x09, wall + 2000000000LL), 99);
	assert_int_equal(rtc_read(&r, 0x32, wall + 2000000000LL), 19);
	/* A single field written without SET takes effect at once. */
	rtc_write(&r, 0x02, 30, wall);
	assert_int_equal(rtc_read(&r, 0x02, wall), 30);
	assert_int_equal(rtc_read(&r, 0x04, wall), 23);
	/* Plain NVRAM keeps what is written; C reads 0. */
	rtc_write(&r, 0x40, 0x5a, wall);
	assert_int_equal(rtc_read(&r, 0x40, wall), 0x5a);
	assert_int_equal(rtc_read(&r, 0x0c, wall), 0);
}

struct sent {
	struct vioapic_msg m[8];
	unsigned int n;
};

static void record(void *ctx, const struct vioapic_msg *m)
{
	struct sent *s = ctx;

	assert_true(s->n < 8);
	s->m[s->n++] = *m;
}

static uint32_t ioapic_read(struct vioapic *io, uint32_t reg)
{
	uint32_t v = reg;

	vioapic_mmio(io, 0x00, true, &v);
	vioapic_mmio(io, 0x10, false, &v);
	return v;
}

static void ioapic_write(struct vioapic *io, uint32_t reg, uint32_t val)
{
	vioapic_mmio(io, 0x00, true, &reg);
	vioapic_mmio(io, 0x10, true, &val);
}

static void test_ioapic(void **state)
{
	struct vioapic io;
	struct sent s = { .n = 0 };

	vioapic_init(&io, record, &s);
	assert_int_equal(ioapic_read(&io, 1), 0x00170011);	/* 24 pins, version 0x11 */
	assert_int_equal(ioapic_read(&io, 0x10 + 2 * 4) & (1u << 16), 1u << 16);	/* masked */
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(s.n, 0);
	ioapic_write(&io, 0, 0x02000000);
	assert_int_equal(ioapic_read(&io, 0), 0x02000000);
	assert_int_equal(ioapic_read(&io, 0x40), 0xffffffff);	/* past the table */
	/* Edge pin 2 (IRQ 0): one message per rising edge. */
	ioapic_write(&io, 0x10 + 2 * 2 + 1, 0x01000000);
	ioapic_write(&io, 0x10 + 2 * 2, 0x30);
	assert_int_equal(ioapic_read(&io, 0x10 + 2 * 2 + 1), 0x01000000);
	vioapic_set_irq(&io, 2, true);
	vioapic_set_irq(&io, 2, true);
	vioapic_set_irq(&io, 2, false);
	vioapic_set_irq(&io, 2, true);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.m[0].vector, 0x30);
	assert_int_equal(s.m[0].dest, 1);
	assert_false(s.m[0].logical || s.m[0].level);
	/* Level pin 9: sends, holds Remote IRR until the EOI, sends again while asserted. */
	s.n = 0;
	ioapic_write(&io, 0x10 + 2 * 9, 0x8000 | 0x800 | 0x41);	/* level, logical, vector 0x41 */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(s.n, 1);
	assert_true(s.m[0].level && s.m[0].logical);
	assert_int_equal(ioapic_read(&io, 0x10 + 2 * 9) & (1u << 14), 1u << 14);
	ioapic_write(&io, 0x10 + 2 * 9, 0x8000 | 0x800 | 0x41);	/* Remote IRR is read-only */
	assert_int_equal(ioapic_read(&io, 0x10 + 2 * 9) & (1u << 14), 1u << 14);
	vioapic_set_irq(&io, 9, true);
	vioapic_eoi(&io, 0x40);					/* another vector: no effect */
	assert_int_equal(s.n, 1);
	vioapic_eoi(&io, 0x41);
	assert_int_equal(s.n, 2);
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x41);
	assert_int_equal(s.n, 2);
	assert_int_equal(ioapic_read(&io, 0x10 + 2 * 9) & (1u << 14), 0);
	/* Unmasking an asserted level pin sends at once. */
	ioapic_write(&io, 0x10 + 2 * 10, 0x18000 | 0x42);
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(s.n, 2);
	ioapic_write(&io, 0x10 + 2 * 10, 0x8000 | 0x42);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.m[2].vector, 0x42);
}

static uint32_t pci_in(struct vpci *p, uint16_t port, unsigned int size)
{
	uint32_t v = 0;

	vpci_io(p, port, size, true, &v);
	return v;
}

static void pci_out(struct vpci *p, uint16_t port, unsigned int size, uint32_t v)
{
	vpci_io(p, port, size, false, &v);
}

static void test_pci_host_bridge(void **state)
{
	struct vpci p = { 0 };

	/* Linux's pci_check_type1(): a byte write to 0xcfb, then 0xcf8 reads back what it got. */
	pci_out(&p, 0xcfb, 1, 0x01);
	pci_out(&p, 0xcf8, 4, 0x80000000);
	assert_int_equal(pci_in(&p, 0xcf8, 4), 0x80000000);
	assert_int_equal(pci_in(&p, 0xcfc, 4), 0x12378086);
	assert_int_equal(pci_in(&p, 0xcfe, 2), 0x1237);
	assert_int_equal(pci_in(&p, 0xcfd, 1), 0x80);
	pci_out(&p, 0xcf8, 4, 0x80000008);
	assert_int_equal(pci_in(&p, 0xcfc, 4) >> 8, 0x060000);	/* host bridge class */
	pci_out(&p, 0xcfc, 4, 0);				/* read-only */
	assert_int_equal(pci_in(&p, 0xcfe, 2), 0x0600);
	/* 00:01.0, 00:00.1, bus 1 and a disabled address: nothing there. */
	pci_out(&p, 0xcf8, 4, 0x80000800);
	assert_int_equal(pci_in(&p, 0xcfc, 4), 0xffffffff);
	pci_out(&p, 0xcf8, 4, 0x80000100);
	assert_int_equal(pci_in(&p, 0xcfc, 2), 0xffff);
	pci_out(&p, 0xcf8, 4, 0x80010000);
	assert_int_equal(pci_in(&p, 0xcfc, 1), 0xff);
	pci_out(&p, 0xcf8, 4, 0x00000000);
	assert_int_equal(pci_in(&p, 0xcfc, 4), 0xffffffff);
	/* Reserved address bits read as zero; narrow accesses to 0xcf8 are not the register. */
	pci_out(&p, 0xcf8, 4, 0xff000003);
	assert_int_equal(pci_in(&p, 0xcf8, 4), 0x80000000);
	assert_int_equal(pci_in(&p, 0xcf8, 2), 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pic_priority_and_eoi),
		cmocka_unit_test(test_pic_cascade_level_poll),
		cmocka_unit_test(test_pit_linux_calibration),
		cmocka_unit_test(test_pit_latch_readback_and_irq),
		cmocka_unit_test(test_rtc_calendar),
		cmocka_unit_test(test_rtc_registers),
		cmocka_unit_test(test_ioapic),
		cmocka_unit_test(test_pci_host_bridge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
