/* The 8254 PIT and the 8259 PIC: used only at boot, to measure the TSC and to silence the PIC. */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/regs.h>

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PORT_B 0x61	/* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

uint64_t pit_calibrate_tsc(void)
{
	/* 50 ms: long enough that the polling granularity is noise, short enough not to slow boot. */
	const uint32_t latch = PIT_HZ / 20;
	uint64_t t0, t1;
	unsigned long spins = 0;

	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
	outb(PIT_MODE, 0xb0);	/* channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count) */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20) && ++spins < 100000000UL) {
	}
	t1 = rdtsc();
	if (spins >= 100000000UL) {
		return 0;
	}
	return (t1 - t0) * PIT_HZ / latch;
}

void pic_disable(void)
{
	/* ICW1-ICW4 (8259A datasheet): cascade, vectors 0x20/0x28, slave on IRQ2, 8086 mode. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, PIC_VECTOR_BASE);
	outb(0xa1, PIC_VECTOR_BASE + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}
