/*
 * The virtual local APIC (SDM vol. 3, chapter 11), xAPIC MMIO mode: identification, task
 * priority, in-service/request bookkeeping with EOI, the LVT registers and the timer in one-shot
 * and periodic modes (TSC-deadline is not offered: CPUID hides it). The timer counts at a fixed
 * virtual bus clock of 100 MHz, scaled by the divide configuration. IPIs through the ICR reach
 * the domain's other vCPUs: fixed and lowest-priority interrupts, INIT and start-up (SIPI), by
 * physical or logical (flat) destination or a shorthand.
 */
#include <argon/arch.h>
#include <argon/lib.h>
#include <argon/time.h>
#include <asm/hvm/hvm.h>

#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TPR 0x80
#define APIC_APR 0x90
#define APIC_PPR 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_VERSION 0x00050014u	/* version 0x14, six LVT entries (max LVT index 5) */
#define VLAPIC_BUS_NS 10		/* 100 MHz */

static struct vlapic *vl(const struct vcpu *v)
{
	return &v->arch.hvm->vlapic;
}

static int highest_bit(const uint32_t *bits)
{
	int i;

	for (i = 7; i >= 0; i--) {
		if (bits[i]) {
			return i * 32 + 31 - __builtin_clz(bits[i]);
		}
	}
	return -1;
}

/* Atomic: the APIC timer sets IRR bits from the timer interrupt while an exit handler acks. */
static void set_bit32(uint32_t *bits, unsigned int n)
{
	__atomic_fetch_or(&bits[n / 32], 1u << (n % 32), __ATOMIC_SEQ_CST);
}

static void clear_bit32(uint32_t *bits, unsigned int n)
{
	__atomic_fetch_and(&bits[n / 32], ~(1u << (n % 32)), __ATOMIC_SEQ_CST);
}

static uint32_t ppr(const struct vlapic *a)
{
	int isr = highest_bit(a->isr);
	uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

	return (a->tpr & 0xf0) > isrv ? a->tpr & 0xff : isrv;
}

static unsigned int divide_value(uint32_t tdcr)
{
	/* TDCR bits 0, 1, 3: 000 -> 2, 001 -> 4, 010 -> 8, 011 -> 16, 100 -> 32, 101 -> 64,
	 * 110 -> 128, 111 -> 1 (SDM vol. 3, figure 11-10). */
	unsigned int v = (tdcr & 3) | ((tdcr >> 1) & 4);

	return v == 7 ? 1 : 2u << v;
}

static void timer_fire(struct timer *t, void *data)
{
	struct vcpu *v = data;
	struct vlapic *a = vl(v);

	a->timer_fires++;
	if (!(a->lvt_timer & APIC_LVT_MASKED) && (a->svr & APIC_SVR_ENABLE)) {
		vlapic_set_irq(v, a->lvt_timer & 0xff);
	}
	if (!(a->lvt_timer & APIC_LVT_TIMER_PERIODIC)) {
		a->timer_period_ns = 0;
	} else {
		a->timer_start = NOW();
	}
}

/*
 * With host interrupts off: exits are handled with them on, and the timer interrupt works on the
 * same per-CPU queue (and on this timer's fields).
 */
static void timer_start(struct vcpu *v)
{
	struct vlapic *a = vl(v);
	struct timer_queue *q = arch_this_timer_queue();
	unsigned long flags = arch_irq_save();

	timer_stop(q, &a->timer);
	a->timer_period_ns = (uint64_t)a->timer_initial * divide_value(a->timer_divide) * VLAPIC_BUS_NS;
	a->timer_start = NOW();
	if (a->timer_period_ns) {
		if (a->lvt_timer & APIC_LVT_TIMER_PERIODIC) {
			timer_set_periodic(q, &a->timer, a->timer_start + (s_time_t)a->timer_period_ns,
					   (s_time_t)a->timer_period_ns);
		} else {
			timer_set(q, &a->timer, a->timer_start + (s_time_t)a->timer_period_ns);
		}
	}
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
}

static uint32_t current_count(const struct vlapic *a)
{
	/*
	 * One read: a one-shot expiring in timer_fire() (interrupt context) zeroes the period
	 * between a check and a division by it.
	 */
	uint64_t period = READ_ONCE(a->timer_period_ns);
	uint64_t elapsed, tick;

	if (!period) {
		return 0;
	}
	elapsed = (uint64_t)(NOW() - READ_ONCE(a->timer_start)) % period;
	tick = (uint64_t)divide_value(a->timer_divide) * VLAPIC_BUS_NS;
	return (uint32_t)((period - elapsed) / tick);
}

void vlapic_init(struct vcpu *v, uint32_t id)
{
	struct vlapic *a = vl(v);

	memset(a, 0, sizeof(*a));
	a->id = id;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	a->lvt_timer = a->lvt_lint0 = a->lvt_lint1 = a->lvt_error = a->lvt_thermal = a->lvt_pmc =
		APIC_LVT_MASKED;
	timer_init(&a->timer, timer_fire, v);
}

void vlapic_destroy(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	timer_stop(arch_this_timer_queue(), &vl(v)->timer);
	arch_irq_restore(flags);
}

void vlapic_set_irq(struct vcpu *v, unsigned int vec)
{
	if (vec >= 16) {
		set_bit32(vl(v)->irr, vec & 0xff);
		/* A vCPU blocked in HLT runs again to take it (also from the timer interrupt). */
		vcpu_kick(v);
	}
}

int vlapic_pending(const struct vcpu *v)
{
	const struct vlapic *a = vl(v);
	int irr = highest_bit(a->irr);

	if (irr < 0 || !(a->svr & APIC_SVR_ENABLE)) {
		return -1;
	}
	return ((uint32_t)irr & 0xf0) > (ppr(a) & 0xf0) ? irr : -1;
}

void vlapic_ack(struct vcpu *v, int vec)
{
	clear_bit32(vl(v)->irr, (unsigned int)vec);
	set_bit32(vl(v)->isr, (unsigned int)vec);
}

bool vlapic_accepts_extint(const struct vcpu *v)
{
	const struct vlapic *a = vl(v);

	return (a->svr & APIC_SVR_ENABLE) && !(a->lvt_lint0 & APIC_LVT_MASKED) &&
	       ((a->lvt_lint0 >> 8) & 7) == 7;
}

bool vlapic_match_dest(const struct vcpu *v, uint8_t dest, bool logical)
{
	const struct vlapic *a = vl(v);

	if (!logical) {
		return dest == 0xff || dest == a->id;
	}
	/* Flat model (DFR 0xf...): a bit per APIC in LDR[31:24]. Cluster mode is not offered. */
	return (a->ldr >> 24) & dest;
}

#define ICR_MODE(icr) (((icr) >> 8) & 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND(icr) (((icr) >> 18) & 3)
enum { ICR_FIXED, ICR_LOWEST, ICR_SMI, ICR_NMI = 4, ICR_INIT, ICR_STARTUP };
enum { ICR_DEST_FIELD, ICR_SELF, ICR_ALL, ICR_ALL_BUT_SELF };

/* Deliver the IPI @icr from @src to @dst; false when a lowest-priority one has found its APIC. */
static bool ipi_one(struct vcpu *src, struct vcpu *dst, uint32_t icr)
{
	switch (ICR_MODE(icr)) {
	case ICR_FIXED:
		vlapic_set_irq(dst, icr & 0xff);
		return true;
	case ICR_LOWEST:
		vlapic_set_irq(dst, icr & 0xff);
		return false;
	case ICR_INIT:
		/* "INIT level de-assert" (level 0, level-triggered) only synchronises arbitration IDs. */
		if (!(icr & ICR_LEVEL_ASSERT) && (icr & ICR_TRIGGER_LEVEL)) {
			return true;
		}
		hvm_vcpu_init_signal(dst);
		return true;
	case ICR_STARTUP:
		hvm_vcpu_sipi(dst, icr & 0xff);
		return true;
	default:
		hvm_log(src, "IPI delivery mode %u not emulated (ICR %#x)\n", ICR_MODE(icr), icr);
		return false;
	}
}

static void send_ipi(struct vcpu *src, uint32_t icr, uint8_t dest)
{
	struct domain *d = src->domain;
	unsigned int i, shorthand = ICR_SHORTHAND(icr);

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *dst = d->vcpus[i];
		bool hit;

		if (!dst->arch.hvm) {
			continue;
		}
		switch (shorthand) {
		case ICR_SELF: hit = dst == src; break;
		case ICR_ALL: hit = true; break;
		case ICR_ALL_BUT_SELF: hit = dst != src; break;
		default: hit = vlapic_match_dest(dst, dest, icr & ICR_LOGICAL); break;
		}
		if (hit && !ipi_one(src, dst, icr)) {
			return;
		}
	}
}

bool vlapic_access(struct vcpu *v, uint32_t off, bool write, uint32_t *val)
{
	struct vlapic *a = vl(v);
	uint32_t *lvt = NULL;
	int isr;

	if (off & 0xf) {
		return false;
	}
	switch (off) {
	case APIC_LVTT: lvt = &a->lvt_timer; break;
	case APIC_LVTTHMR: lvt = &a->lvt_thermal; break;
	case APIC_LVTPC: lvt = &a->lvt_pmc; break;
	case APIC_LVT0: lvt = &a->lvt_lint0; break;
	case APIC_LVT1: lvt = &a->lvt_lint1; break;
	case APIC_LVTERR: lvt = &a->lvt_error; break;
	default: break;
	}
	if (!write) {
		if (lvt) {
			*val = *lvt;
			return true;
		}
		if (off >= APIC_ISR && off < APIC_ISR + 0x80) {
			*val = a->isr[(off - APIC_ISR) / 16];
			return true;
		}
		if (off >= APIC_IRR && off < APIC_IRR + 0x80) {
			*val = a->irr[(off - APIC_IRR) / 16];
			return true;
		}
		switch (off) {
		case APIC_ID: *val = a->id << 24; return true;
		case APIC_LVR: *val = APIC_VERSION; return true;
		case APIC_TPR: *val = a->tpr; return true;
		case APIC_APR: *val = 0; return true;
		case APIC_PPR: *val = ppr(a); return true;
		case APIC_LDR: *val = a->ldr; return true;
		case APIC_DFR: *val = a->dfr; return true;
		case APIC_SVR: *val = a->svr; return true;
		case APIC_ESR: *val = a->esr; return true;
		case APIC_ICR: *val = a->icr_lo; return true;
		case APIC_ICR2: *val = a->icr_hi; return true;
		case APIC_TMICT: *val = a->timer_initial; return true;
		case APIC_TMCCT: *val = current_count(a); return true;
		case APIC_TDCR: *val = a->timer_divide; return true;
		case APIC_EOI: *val = 0; return true;
		default:
			if (off >= APIC_TMR && off < APIC_TMR + 0x80) {
				*val = 0;
				return true;
			}
			return false;
		}
	}
	if (lvt) {
		/* While the APIC is software-disabled every LVT stays masked (SDM vol. 3, 11.4.7.2). */
		*lvt = *val & (lvt == &a->lvt_timer ? 0x300ff : 0x1f7ff);
		if (!(a->svr & APIC_SVR_ENABLE)) {
			*lvt |= APIC_LVT_MASKED;
		}
		return true;
	}
	switch (off) {
	case APIC_TPR: a->tpr = *val & 0xff; return true;
	case APIC_EOI:
		isr = highest_bit(a->isr);
		if (isr >= 0) {
			clear_bit32(a->isr, (unsigned int)isr);
			hvm_platform_eoi(v, (uint8_t)isr);
		}
		return true;
	case APIC_LDR: a->ldr = *val & 0xff000000; return true;
	case APIC_DFR: a->dfr = *val | 0x0fffffff; return true;
	case APIC_SVR:
		a->svr = *val & 0x3ff;
		if (!(a->svr & APIC_SVR_ENABLE)) {
			a->lvt_timer |= APIC_LVT_MASKED;
			a->lvt_lint0 |= APIC_LVT_MASKED;
			a->lvt_lint1 |= APIC_LVT_MASKED;
			a->lvt_error |= APIC_LVT_MASKED;
			a->lvt_thermal |= APIC_LVT_MASKED;
			a->lvt_pmc |= APIC_LVT_MASKED;
		}
		return true;
	case APIC_ESR: a->esr = 0; return true;
	case APIC_ICR2: a->icr_hi = *val & 0xff000000; return true;
	case APIC_ICR:
		a->icr_lo = *val & ~(1u << 12);	/* delivery status: idle at once */
		send_ipi(v, a->icr_lo, (uint8_t)(a->icr_hi >> 24));
		return true;
	case APIC_TMICT:
		a->timer_initial = *val;
		timer_start(v);
		return true;
	case APIC_TDCR: a->timer_divide = *val & 0xb; return true;
	case APIC_ID: case APIC_LVR: case APIC_PPR: case APIC_APR: case APIC_TMCCT:
		return true;	/* read-only: writes ignored */
	default:
		return false;
	}
}

