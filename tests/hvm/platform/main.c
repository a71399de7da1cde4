/*
 * HVM test guest for the legacy platform: the 8259 PIC pair and the 8254 PIT delivering IRQ 0
 * through LINT0 (virtual wire), PIT channel 2 as Linux's TSC calibration reads it (checked
 * against the local APIC timer's clock), the read-back command, the CMOS RTC (time, update
 * cycle, setting it, NVRAM memory sizes), the IO-APIC routing IRQ 0 to a vector of its own, and
 * the PCI host bridge alone on bus 0.
 */
#include "guest.h"

#include <public/sched.h>

#define LAPIC 0xfee00000u
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_LVT0 0x350
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define IOAPIC 0xfec00000u
#define PIC_VECTOR_BASE 0x20		/* IRQ 0-7: vectors 0x20-0x27, IRQ 8-15: 0x28-0x2f */
#define IOAPIC_IRQ0_VECTOR 0x31
#define PIT_1MS 1193
#define WATCHDOG_VECTOR 0x3f
#define APIC_LVTT 0x320

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void guest_setup(const char *cmdline)
{
	printk("HVM test guest \"platform\" (command line \"%s\")\n", cmdline);
}

static volatile unsigned int pic_ticks, ioapic_ticks;
static volatile uint8_t isr_in_handler;

static void pic_irq0(struct trap_frame *f)
{
	outb(0x20, 0x0b);		/* OCW3: read ISR */
	isr_in_handler = inb(0x20);
	pic_ticks++;
	outb(0x20, 0x20);		/* non-specific EOI */
}

static void ioapic_irq0(struct trap_frame *f)
{
	ioapic_ticks++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

static volatile unsigned int watchdog_ticks;

static void watchdog_irq(struct trap_frame *f)
{
	watchdog_ticks++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

/*
 * Halt until *@counter reaches @n; false if that takes over 2 s (the local APIC timer, periodic
 * at 100 ms, is the watchdog that wakes HLT when the interrupt under test never comes).
 */
static bool wait_for(volatile unsigned int *counter, unsigned int n)
{
	set_irq_handler(WATCHDOG_VECTOR, watchdog_irq);
	watchdog_ticks = 0;
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_TDCR, 0xb);
	mmio_write32(LAPIC + APIC_LVTT, WATCHDOG_VECTOR | (1u << 17));
	mmio_write32(LAPIC + APIC_TMICT, 10000000);
	while (*counter < n && watchdog_ticks < 20) {
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	}
	mmio_write32(LAPIC + APIC_TMICT, 0);
	set_irq_handler(WATCHDOG_VECTOR, NULL);
	return *counter >= n;
}

/* Linux's init_8259A() with our vectors, everything masked but @unmasked (a master IMR). */
static void pic_init(uint8_t master_imr)
{
	outb(0x20, 0x11);
	outb(0x21, PIC_VECTOR_BASE);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, PIC_VECTOR_BASE + 8);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, master_imr);
	outb(0xa1, 0xff);
}

static void pit_periodic(uint16_t count)
{
	outb(0x43, 0x34);		/* channel 0, LSB/MSB, mode 2 */
	outb(0x40, (uint8_t)count);
	outb(0x40, (uint8_t)(count >> 8));
}

static void pit_stop(void)
{
	outb(0x43, 0x30);		/* channel 0, mode 0, waiting for a count: no more edges */
}

GUEST_TEST(pic_delivers_pit_irq0)
{
	uint64_t t0, t1;
	unsigned int ticks;

	set_irq_handler(PIC_VECTOR_BASE, pic_irq0);
	pic_init(0xfe);
	EXPECT_EQ(inb(0x21), 0xfe);
	EXPECT_EQ(inb(0xa1), 0xff);
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_LVT0, 0x700);	/* ExtINT: virtual wire */
	pic_ticks = 0;
	t0 = rdtsc();
	pit_periodic(PIT_1MS);
	EXPECT(wait_for(&pic_ticks, 20));
	t1 = rdtsc();
	pit_stop();
	/* One more edge may be taken on the iret before wait_for()'s cli when the host was slow. */
	ticks = pic_ticks;
	EXPECT(ticks == 20 || ticks == 21);
	EXPECT_EQ(isr_in_handler, 0x01);		/* IRQ 0 was in service in the handler */
	outb(0x20, 0x0b);
	EXPECT_EQ(inb(0x20), 0);			/* and EOI'd */
	test_note("20 ticks of 1 ms in %u TSC kcycles", (unsigned int)((t1 - t0) >> 10));
	/* With LINT0 masked the PIC cannot interrupt: an IRQ 0 edge stays requested. */
	mmio_write32(LAPIC + APIC_LVT0, 0x10700);
	pit_periodic(PIT_1MS);
	t1 = rdtsc() + (t1 - t0) / 4;			/* 5 PIT periods */
	while (rdtsc() < t1) {
		__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
	}
	pit_stop();
	EXPECT_EQ(pic_ticks, ticks);
	outb(0x20, 0x0a);
	EXPECT_EQ(inb(0x20) & 1, 1);			/* IRR bit 0 */
	outb(0x21, 0xff);
	mmio_write32(LAPIC + APIC_LVT0, 0x700);
	set_irq_handler(PIC_VECTOR_BASE, NULL);
}

/*
 * Linux's pit_calibrate_tsc(): channel 2 in mode 0 counts 0xffff clocks (54.9 ms) while OUT2
 * (port 0x61 bit 5) is polled. The local APIC timer counts at its own 100 MHz meanwhile: the two
 * clocks must agree. One run: the APIC clocks counted while the PIT counted 0xffff; false if
 * OUT2 was high while counting or the MSB went up.
 */
static bool pit_channel2_run(uint32_t *clocks, uint32_t *polls)
{
	uint32_t apic0, apic1;
	uint8_t msb, last_msb = 0xff;
	bool ordered = true;

	*polls = 0;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);				/* channel 2, LSB/MSB, mode 0 */
	mmio_write32(LAPIC + APIC_TDCR, 0xb);		/* divide by 1 */
	mmio_write32(LAPIC + APIC_TMICT, 0xffffffff);
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	apic0 = mmio_read32(LAPIC + APIC_TMCCT);
	ordered = (inb(0x61) & 0x20) == 0;		/* OUT2 low while counting */
	while (!(inb(0x61) & 0x20)) {
		/* The MSB only goes down (pit_expect_msb()). */
		(void)inb(0x42);
		msb = inb(0x42);
		if (inb(0x61) & 0x20) {
			break;			/* terminal count: the counter wrapped to 0xffff */
		}
		ordered = ordered && msb <= last_msb;
		last_msb = msb;
		(*polls)++;
	}
	apic1 = mmio_read32(LAPIC + APIC_TMCCT);
	mmio_write32(LAPIC + APIC_TMICT, 0);
	*clocks = apic0 - apic1;
	return ordered;
}

GUEST_TEST(pit_channel2_calibration)
{
	uint32_t clocks = 0, polls = 0;
	unsigned int ratio = 0, attempt;
	uint8_t msb;

	/*
	 * 0xffff PIT clocks are 5,492,500 APIC clocks; allow for exits between the reads. Time the
	 * host takes QEMU away between a read and the edge it brackets widens one run, so a run that
	 * misses is repeated, as Linux repeats its calibration; a wrong PIT rate misses every time.
	 */
	for (attempt = 0; attempt < 3; attempt++) {
		EXPECT(pit_channel2_run(&clocks, &polls));
		ratio = clocks / 54925;
		test_note("0xffff PIT clocks = %u APIC clocks (%u polls)", clocks, polls);
		if (ratio >= 100 && ratio < 130) {
			break;
		}
	}
	EXPECT(ratio >= 100 && ratio < 130);
	EXPECT(polls > 1);
	/* OUT2 stays high after the terminal count. */
	EXPECT_EQ(inb(0x61) & 0x20, 0x20);
	/* Gate off stops channel 2: a latched count does not move. */
	outb(0x43, 0xb0);
	outb(0x42, 0x00);
	outb(0x42, 0x80);
	outb(0x61, inb(0x61) & ~0x01);
	outb(0x43, 0x80);				/* latch channel 2 */
	(void)inb(0x42);
	msb = inb(0x42);
	outb(0x43, 0x80);
	(void)inb(0x42);
	EXPECT_EQ(inb(0x42), msb);
}

GUEST_TEST(pit_readback)
{
	uint8_t status, lo, hi;

	outb(0x43, 0x36);				/* channel 0, LSB/MSB, mode 3 */
	outb(0x40, 0x00);
	outb(0x40, 0x10);				/* 0x1000 */
	outb(0x43, 0xc2);				/* read back count and status of channel 0 */
	status = inb(0x40);
	lo = inb(0x40);
	hi = inb(0x40);
	pit_stop();
	EXPECT_EQ(status & 0x3f, 0x36);
	EXPECT((unsigned int)(lo | hi << 8) <= 0x1000);
	EXPECT_EQ(inb(0x43), 0xff);			/* the control word is write-only */
}

static uint8_t cmos(uint8_t idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
	outb(0x70, idx);
	outb(0x71, v);
}

static unsigned int bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

GUEST_TEST(rtc_time)
{
	unsigned int year, mon, day, hour, min, sec, sec2;
	uint64_t spins = 0;

	EXPECT_EQ(cmos(0x0b) & 0x06, 0x02);		/* BCD, 24 hours */
	EXPECT_EQ(cmos(0x0d), 0x80);
	/* mc146818_get_time(): wait for no update in progress, then read. */
	while (cmos(0x0a) & 0x80) {
	}
	sec = bcd(cmos(0x00));
	min = bcd(cmos(0x02));
	hour = bcd(cmos(0x04));
	day = bcd(cmos(0x07));
	mon = bcd(cmos(0x08));
	year = bcd(cmos(0x32)) * 100 + bcd(cmos(0x09));
	printk("RTC: %04u-%02u-%02u %02u:%02u:%02u\n", year, mon, day, hour, min, sec);
	EXPECT(year >= 2024 && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hour < 24 &&
	       min < 60 && sec < 60);
	/* The clock runs: the seconds change within a second, after an update-in-progress. */
	while ((sec2 = bcd(cmos(0x00))) == sec) {
		spins++;
	}
	EXPECT(spins > 0);
	EXPECT(sec2 == (sec + 1) % 60);
	/* Binary mode; setting the clock with SET moves it. */
	cmos_write(0x0b, 0x86);
	cmos_write(0x00, 30);
	cmos_write(0x02, 15);
	cmos_write(0x04, 10);
	cmos_write(0x0b, 0x06);
	EXPECT_EQ(cmos(0x04), 10);
	EXPECT_EQ(cmos(0x02), 15);
	EXPECT(cmos(0x00) - 30u <= 1);
	/* Put the host's time back: hour/minute/second as read (a second late at most). */
	cmos_write(0x0b, 0x82);
	cmos_write(0x00, (uint8_t)((sec2 / 10) << 4 | sec2 % 10));
	cmos_write(0x02, (uint8_t)((min / 10) << 4 | min % 10));
	cmos_write(0x04, (uint8_t)((hour / 10) << 4 | hour % 10));
	cmos_write(0x0b, 0x02);
	/* NVRAM: base memory 640 KiB, extended memory above 1 MiB as a BIOS records it. */
	EXPECT_EQ(cmos(0x15) | cmos(0x16) << 8, 640);
	test_note("%04u-%02u-%02u %02u:%02u:%02u, %u KiB extended", year, mon, day, hour, min, sec,
		  cmos(0x17) | cmos(0x18) << 8);
	cmos_write(0x50, 0xa5);
	EXPECT_EQ(cmos(0x50), 0xa5);
}

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC, reg);
	return mmio_read32(IOAPIC + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

GUEST_TEST(ioapic_routes_irq0)
{
	unsigned int i, pic_before = pic_ticks;
	bool arrived;

	EXPECT_EQ(ioapic_read(1), 0x00170011);
	for (i = 0; i < 24; i++) {
		EXPECT_EQ(ioapic_read(0x10 + 2 * i) & 0x10000, 0x10000);	/* all masked */
	}
	/* The PIC fully masked and LINT0 off: IRQ 0 arrives only through pin 2. */
	pic_init(0xff);
	mmio_write32(LAPIC + APIC_LVT0, 0x10700);
	set_irq_handler(IOAPIC_IRQ0_VECTOR, ioapic_irq0);
	ioapic_write(0x10 + 2 * 2 + 1, 0x00000000);	/* destination APIC 0 */
	ioapic_write(0x10 + 2 * 2, IOAPIC_IRQ0_VECTOR);	/* edge, physical, fixed, unmasked */
	EXPECT_EQ(ioapic_read(0x10 + 2 * 2), IOAPIC_IRQ0_VECTOR);
	ioapic_ticks = 0;
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	pit_periodic(PIT_1MS);
	arrived = wait_for(&ioapic_ticks, 10);
	pit_stop();
	ioapic_write(0x10 + 2 * 2, 0x10000 | IOAPIC_IRQ0_VECTOR);
	EXPECT(arrived);
	EXPECT_EQ(pic_ticks, pic_before);		/* nothing came through the PIC */
	set_irq_handler(IOAPIC_IRQ0_VECTOR, NULL);
}

static uint32_t pci_read(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg)
{
	outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | reg);
	return inl(0xcfc);
}

GUEST_TEST(pci_host_bridge_alone)
{
	unsigned int dev, fn, found = 0;

	/* pci_check_type1() */
	outb(0xcfb, 0x01);
	outl(0xcf8, 0x80000000u);
	EXPECT_EQ(inl(0xcf8), 0x80000000u);
	EXPECT_EQ(pci_read(0, 0, 0, 0), 0x12378086);
	EXPECT_EQ(pci_read(0, 0, 0, 8) >> 16, 0x0600);	/* host bridge */
	outl(0xcf8, 0x80000000u);
	EXPECT_EQ(inw(0xcfe), 0x1237);
	for (dev = 0; dev < 32; dev++) {
		for (fn = 0; fn < 8; fn++) {
			if (pci_read(0, dev, fn, 0) != 0xffffffffu) {
				found++;
			}
		}
	}
	EXPECT_EQ(found, 1);
	EXPECT_EQ(pci_read(1, 0, 0, 0), 0xffffffffu);
	test_note("bus 0: 1 function (8086:1237)");
}
