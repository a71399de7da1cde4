/*
 * The legacy PC platform of an HVM domain, wired together: the portable device models of
 * vplatform.h behind their I/O ports, the IO-APIC page, the PIT's channel 0 as IRQ 0 on a host
 * timer, and interrupt routing. An ISA line drives both its 8259 input and its IO-APIC pin (IRQ 0
 * on pin 2, as the MADT's interrupt source override says; every other IRQ n on pin n); the PIC
 * reaches the vCPU through LINT0 when the local APIC programs it for ExtINT (virtual wire), the
 * IO-APIC through messages to the local APICs. All device state is touched only by the CPU that
 * runs the domain, outside interrupt context: the PIT's host timer only wakes the domain's vCPUs,
 * and the interrupt it stands for is raised by hvm_platform_poll() before the next entry.
 */
#include <argon/arch.h>
#include <argon/lib.h>
#include <argon/time.h>
#include <argon/vtime.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <asm/hvm/hvm.h>
#include <public/sched.h>

static struct hvm_domain *hd(const struct domain *d)
{
	return d->arch.hvm;
}

static void ioapic_deliver(void *ctx, const struct vioapic_msg *m)
{
	struct domain *d = ctx;
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (!v->arch.hvm || !vlapic_match_dest(v, m->dest, m->logical)) {
			continue;
		}
		if (m->delivery_mode > 1) {
			hvm_log(v, "IO-APIC delivery mode %u not emulated (vector %#x)\n",
				m->delivery_mode, m->vector);
			return;
		}
		vlapic_set_irq(v, m->vector);
		if (m->delivery_mode == 1) {
			return;		/* lowest priority: one APIC takes it */
		}
	}
}

/*
 * The PIT timer's only job is to wake the domain: its vCPUs blocked in HLT run again, and the
 * first to run raises the edge in hvm_platform_poll() (those it does not concern block again).
 */
static void pit_timer_fn(struct timer *t, void *data)
{
	struct domain *d = data;
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		vcpu_kick(d->vcpus[i]);
	}
}

/* With host interrupts off: the timer interrupt works on the same per-CPU queue. */
static void pit_rearm(struct domain *d, s_time_t now)
{
	struct hvm_domain *h = hd(d);
	struct timer_queue *q = arch_this_timer_queue();
	unsigned long flags = arch_irq_save();

	h->pit_deadline = vpit_next_irq(&h->pit, now);
	timer_stop(q, &h->pit_timer);
	if (h->pit_deadline >= 0) {
		timer_set(q, &h->pit_timer, h->pit_deadline);
	}
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
}

void hvm_platform_init(struct domain *d, uint64_t mem_bytes)
{
	struct hvm_domain *h = hd(d);
	uint64_t ext_kib = mem_bytes > MB(1) ? (mem_bytes - MB(1)) >> 10 : 0;

	vpic_init(&h->pic);
	vpit_init(&h->pit, NOW());
	vrtc_init(&h->rtc, 640, (uint32_t)MIN(ext_kib, 0xffffffffULL));
	vioapic_init(&h->ioapic, ioapic_deliver, d);
	memset(&h->pci, 0, sizeof(h->pci));
	timer_init(&h->pit_timer, pit_timer_fn, d);
	h->pit_deadline = -1;
}

void hvm_platform_destroy(struct domain *d)
{
	unsigned long flags = arch_irq_save();

	timer_stop(arch_this_timer_queue(), &hd(d)->pit_timer);
	arch_irq_restore(flags);
}

void hvm_isa_irq(struct domain *d, unsigned int irq, bool level)
{
	vpic_set_irq(&hd(d)->pic, irq, level);
	vioapic_set_irq(&hd(d)->ioapic, irq == 0 ? 2 : irq, level);
}

void hvm_platform_eoi(struct vcpu *v, uint8_t vector)
{
	vioapic_eoi(&hd(v->domain)->ioapic, vector);
}

bool hvm_platform_due(const struct vcpu *v)
{
	s_time_t deadline = hd(v->domain)->pit_deadline;

	return deadline >= 0 && NOW() >= deadline;
}

void hvm_platform_poll(struct vcpu *v)
{
	struct domain *d = v->domain;
	s_time_t now;

	if (!hvm_platform_due(v)) {
		return;
	}
	/* One edge however many periods passed: missed ticks are dropped, not replayed. */
	now = NOW();
	hvm_isa_irq(d, 0, true);
	hvm_isa_irq(d, 0, false);
	hd(d)->pit_irqs++;
	pit_rearm(d, now);
}

bool hvm_irq_pending(const struct vcpu *v)
{
	return hvm_callback_vector(v) >= 0 || vlapic_pending(v) >= 0 ||
	       (vlapic_accepts_extint(v) && vpic_int_output(&hd(v->domain)->pic));
}

/* PM1a and the PM timer; SLP_EN with the DSDT's \_S5 type powers the domain off. */
static void pm_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	struct domain *d = v->domain;
	unsigned int typ = 0;

	if (!vpm_io(&hd(d)->pm, port - HVM_PM1A_EVT, size, in, val, NOW(), &typ)) {
		return;
	}
	if (typ != HVM_S5_SLP_TYP) {
		hvm_log(v, "ACPI sleep type %u not supported: ignored\n", typ);
		return;
	}
	log_info("d%u: ACPI S5 requested: powering off\n", d->domain_id);
	domain_shutdown(d, SHUTDOWN_poweroff);
}

bool hvm_platform_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	struct domain *d = v->domain;
	struct hvm_domain *h = hd(d);
	uint8_t b = (uint8_t)*val;

	if (port >= 0xcf8 && port <= 0xcff) {
		vpci_io(&h->pci, port, size, in, val);
		return true;
	}
	if (port >= HVM_PM1A_EVT && port < HVM_PM1A_EVT + HVM_PM_PORTS) {
		pm_io(v, port, size, in, val);
		return true;
	}
	if (size != 1) {
		return false;			/* the rest are byte-wide: io.c splits wider accesses */
	}
	switch (port) {
	case 0x20: case 0x21: case 0xa0: case 0xa1: case 0x4d0: case 0x4d1:
		vpic_io(&h->pic, port, in, &b);
		break;
	case 0x40: case 0x41: case 0x42: case 0x43: case 0x61:
		vpit_io(&h->pit, port, in, &b, NOW());
		if (!in && (port == 0x40 || port == 0x43)) {
			pit_rearm(d, NOW());	/* channel 0 reprogrammed: its next edge moves */
		}
		break;
	case 0x70: case 0x71:
		vrtc_io(&h->rtc, port, in, &b, boot_wallclock_ns + NOW());
		break;
	default:
		return false;
	}
	if (in) {
		*val = b;
	}
	return true;
}
