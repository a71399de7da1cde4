/*
 * The legacy platform devices of HVM guests as portable state machines: the 8259A PIC pair, the
 * 8254 PIT, the MC146818 CMOS RTC, the IO-APIC and a PCI host bridge with nothing behind it. They
 * take time as an argument (nanoseconds of system time, and for the RTC the wall clock) and report
 * interrupts through return values or a callback, so they include nothing architectural and run
 * unchanged as host unit tests (tests/unit/test_hvm_platform.c). hvm/platform.c wires them to port
 * I/O, MMIO, timers and the virtual local APIC.
 */
#ifndef ASM_HVM_VPLATFORM_H
#define ASM_HVM_VPLATFORM_H

#include <argon/types.h>

/* ---- 8259A PIC pair (Intel 8259A data sheet) ---- */

/** One 8259A. */
struct vpic_chip {
	uint8_t irr, isr, imr;		/* requested, in service, masked (bit per input) */
	uint8_t level;			/* current input levels (for edge detection) */
	uint8_t elcr;			/* level-triggered inputs (ELCR, ports 0x4d0/0x4d1) */
	uint8_t vector_base;		/* ICW2 & 0xf8 */
	uint8_t icw_step;		/* 0: ready; 2, 3, 4: expecting that ICW */
	bool icw4_needed, single, auto_eoi, read_isr, special_mask, poll, rotate_on_aeoi;
	uint8_t priority_add;		/* the lowest-priority input + 1 (rotation) */
	uint8_t icw3;
};

/** The master (IRQ 0-7, ports 0x20/0x21) and the slave on its input 2 (IRQ 8-15, 0xa0/0xa1). */
struct vpic {
	struct vpic_chip chip[2];
};

/** Reset both chips to their power-on state (everything masked is not implied: IMR 0). */
void vpic_init(struct vpic *p);
/** Set ISA input @irq (0-15) to @level. Edge inputs request on a rising edge. */
void vpic_set_irq(struct vpic *p, unsigned int irq, bool level);
/** True when the master's INT output is asserted (an unmasked request above the in-service ones). */
bool vpic_int_output(const struct vpic *p);
/** The interrupt acknowledge cycle: the vector to deliver (spurious 7/15 when nothing is left). */
uint8_t vpic_ack(struct vpic *p);
/** Port access: @port is 0x20/0x21/0xa0/0xa1/0x4d0/0x4d1, one byte. */
void vpic_io(struct vpic *p, uint16_t port, bool in, uint8_t *val);

/* ---- 8254 PIT (Intel 82C54 data sheet) ---- */

#define VPIT_HZ 1193182ULL

/** One counter of the 8254. */
struct vpit_channel {
	uint32_t count;			/* the reload value, 1-0x10000 */
	uint8_t mode;			/* 0-5 */
	uint8_t rw_mode;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool write_hi, read_hi;		/* flip-flops of the LSB/MSB sequence */
	uint8_t write_lo;
	bool latched, status_latched, null_count;
	uint16_t latch;
	uint8_t status;
	s_time_t load_time;		/* when counting (re)started */
	s_time_t frozen;		/* ns counted before the gate went low (gate low: counting stopped) */
	bool counting;			/* a count has been written */
};

/** The three counters; channel 2's gate and output are on port 0x61 bits 0 and 5. */
struct vpit {
	struct vpit_channel ch[3];
	uint8_t port61;			/* bits 0-3 as written (gate, speaker, ...) */
};

/** Power-on state at system time @now: no counts loaded, gates of channels 0 and 1 high. */
void vpit_init(struct vpit *p, s_time_t now);
/** Port access at system time @now: 0x40-0x43 and 0x61, one byte. */
void vpit_io(struct vpit *p, uint16_t port, bool in, uint8_t *val, s_time_t now);
/** The current count of channel @c at @now. */
uint16_t vpit_read_count(const struct vpit *p, unsigned int c, s_time_t now);
/** The output level of channel @c at @now. */
bool vpit_output(const struct vpit *p, unsigned int c, s_time_t now);
/** System time of the next rising edge of channel 0's output after @now, or -1 if none comes. */
s_time_t vpit_next_irq(const struct vpit *p, s_time_t now);

/* ---- MC146818 CMOS RTC and NVRAM ---- */

#define VRTC_NVRAM_SIZE 128

/** The RTC: wall-clock time is the host's plus an offset the guest sets by writing the clock. */
struct vrtc {
	uint8_t index;			/* port 0x70, bit 7 (NMI mask) dropped */
	uint8_t ram[VRTC_NVRAM_SIZE];	/* registers 0x0a-0x0d and NVRAM; time registers computed */
	int64_t offset_ns;		/* guest wall clock minus host wall clock */
	uint8_t set_time[10];		/* the time registers while SET (register B bit 7) is on */
};

/** Reset @r; @base_kib/@ext_kib are written to the NVRAM memory-size bytes as a PC BIOS does. */
void vrtc_init(struct vrtc *r, uint32_t base_kib, uint32_t ext_kib);
/** Port access (0x70/0x71, one byte) at host wall-clock time @wall_ns (ns since 1970, UTC). */
void vrtc_io(struct vrtc *r, uint16_t port, bool in, uint8_t *val, int64_t wall_ns);

/** UTC calendar fields of @secs since the Unix epoch (@secs >= 0). */
struct vrtc_tm {
	unsigned int year, mon, mday, hour, min, sec, wday;	/* mon 1-12, wday 0 = Sunday */
};
void vrtc_epoch_to_tm(int64_t secs, struct vrtc_tm *tm);

/* ---- IO-APIC (82093AA data sheet) ---- */

#define VIOAPIC_BASE 0xfec00000UL
#define VIOAPIC_SIZE 0x1000UL
#define VIOAPIC_PINS 24

/** One interrupt message the IO-APIC sends to the local APICs. */
struct vioapic_msg {
	uint8_t vector, delivery_mode, dest;
	bool logical, level;
};

/** The IO-APIC: index register, ID and the redirection table. */
struct vioapic {
	uint32_t index, id;
	uint64_t redir[VIOAPIC_PINS];
	uint32_t level;			/* current pin levels */
	/* Send @m; the callback is the platform's route to the local APICs. */
	void (*deliver)(void *ctx, const struct vioapic_msg *m);
	void *ctx;
};

#define VIOAPIC_MASKED (1ULL << 16)
#define VIOAPIC_LEVEL (1ULL << 15)
#define VIOAPIC_REMOTE_IRR (1ULL << 14)

/** Reset @io (every pin masked) with its delivery callback. */
void vioapic_init(struct vioapic *io, void (*deliver)(void *, const struct vioapic_msg *), void *ctx);
/** Set @pin to @level: an unmasked edge pin sends on a rising edge, a level pin while high. */
void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level);
/** The local APIC took an EOI for @vector: clear Remote IRR and resend still-asserted level pins. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);
/** A 32-bit access at offset @off (0x00 IOREGSEL, 0x10 IOWIN, 0x40 EOI). */
void vioapic_mmio(struct vioapic *io, uint32_t off, bool write, uint32_t *val);

/* ---- PCI configuration mechanism #1 with a lone host bridge at 00:00.0 ---- */

/** Ports 0xcf8 (address) and 0xcfc-0xcff (data). */
struct vpci {
	uint32_t addr;			/* CONFIG_ADDRESS as written */
};

#define VPCI_HOST_VENDOR 0x8086	/* Intel 440FX host bridge, as Xen's and QEMU's guests see */
#define VPCI_HOST_DEVICE 0x1237

/** Port access of @size bytes (1, 2 or 4) at @port (0xcf8-0xcff). */
void vpci_io(struct vpci *p, uint16_t port, unsigned int size, bool in, uint32_t *val);

#endif
