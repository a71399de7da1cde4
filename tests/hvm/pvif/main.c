/*
 * PV interfaces from an HVM guest, used the way Linux's Xen-HVM path uses them: the HVM feature
 * bits, shared_info and grant frames placed with XENMEM_add_to_physmap (moved, removed, the RAM
 * under them coming back), the pvclock and wallclock in shared_info, event channels (VIRQ_TIMER
 * from a vcpu_op single-shot timer, a loopback interdomain pair, masking) delivered through the
 * HVM_PARAM_CALLBACK_IRQ vector, and vcpu_info moved with VCPUOP_register_vcpu_info.
 *
 * This guest runs in 32-bit code with paging off, but Argon's shared_info is always the 64-bit
 * layout (xen_ulong_t is 64 bits in Argon's public headers), which is what it reads.
 */
#include "guest.h"

#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#define LAPIC 0xfee00000u
#define APIC_SVR 0xf0
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define CALLBACK_VECTOR 0x3c	/* the framework's IDT has 64 gates (Linux uses 0xf3) */
#define ABOVE_RAM 0xf0000000u	/* guest-physical, in the hole below the IO-APIC */

/* 32-bit callers' layouts (xen_pfn_t and xen_ulong_t are 32 bits there). */
struct add_to_physmap32 {
	uint16_t domid, size;
	uint32_t space, idx, gpfn;
};

struct remove_from_physmap32 {
	uint16_t domid, pad;
	uint32_t gpfn;
};

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t page_c[4096] __attribute__((aligned(4096)));
static uint8_t vcpu_page[4096] __attribute__((aligned(4096)));
static uint8_t si_home[4096] __attribute__((aligned(4096)));	/* shared_info between tests */
static bool vinfo_registered;

static volatile struct shared_info *shinfo;
static volatile struct vcpu_info *vinfo;

void guest_setup(const char *cmdline)
{
	printk("HVM test guest \"pvif\" (command line \"%s\")\n", cmdline);
}

static long add_to_physmap(uint16_t domid, uint32_t space, uint32_t idx, uint32_t gpfn)
{
	struct add_to_physmap32 a = { .domid = domid, .space = space, .idx = idx, .gpfn = gpfn };

	return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)&a, 0);
}

static long remove_from_physmap(uint32_t gpfn)
{
	struct remove_from_physmap32 r = { .domid = DOMID_SELF, .gpfn = gpfn };

	return hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uint32_t)&r, 0);
}

static long evtchn_op(uint32_t cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)arg, 0);
}

static long set_callback(uint64_t value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = value };

	return hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint32_t)&p, 0);
}

static uint32_t gfn_of(const void *p)
{
	return (uint32_t)p >> 12;
}

static bool all_bytes(const uint8_t *p, uint8_t v)
{
	unsigned int i;

	for (i = 0; i < 4096; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* (delta * mul) >> 32 without 128-bit arithmetic. */
static uint64_t scale(uint64_t delta, uint32_t mul)
{
	return (delta >> 32) * mul + (((delta & 0xffffffffu) * mul) >> 32);
}

/* @n / @d for the 32-bit guest (no libgcc): two DIVLs. */
static uint64_t div64(uint64_t n, uint32_t d)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n, qhi = hi / d, r = hi % d, qlo;

	__asm__("divl %2" : "=a"(qlo), "+d"(r) : "rm"(d), "a"(lo));
	return ((uint64_t)qhi << 32) | qlo;
}

/* 32-bit atomics on the half of a 64-bit bitmap word that holds @bit (little endian). */
static uint32_t *half(volatile uint64_t *words, unsigned int bit)
{
	return (uint32_t *)words + bit / 32;
}

/* The pvclock protocol: system time now, in ns, from this vCPU's vcpu_time_info. */
static uint64_t pvclock_ns(void)
{
	volatile struct vcpu_time_info *t = &vinfo->time;
	uint32_t version;
	uint64_t ns, delta;

	do {
		version = t->version;
		__asm__ __volatile__("" ::: "memory");
		delta = rdtsc() - t->tsc_timestamp;
		if (t->tsc_shift >= 0) {
			delta <<= t->tsc_shift;
		} else {
			delta >>= -t->tsc_shift;
		}
		ns = t->system_time + scale(delta, t->tsc_to_system_mul);
		__asm__ __volatile__("" ::: "memory");
	} while ((version & 1) || version != t->version);
	return ns;
}

/*
 * The registry does not run the tests in the order written, so the ones that need shared_info
 * or the loopback pair set them up through these; shared_info lives at si_home between tests.
 */
static bool map_shared_info(void)
{
	if (!shinfo) {
		if (add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn_of(si_home))) {
			return false;
		}
		shinfo = (volatile struct shared_info *)si_home;
		if (!vinfo_registered) {
			vinfo = &shinfo->vcpu_info[0];
		}
	}
	return true;
}

/*
 * Each far GFN needs new nested tables; their number is bounded, then only this guest fails.
 * The budget stays spent, so this test must run last: the registry runs the tests from the
 * bottom of the file up, and this is the first one.
 */
GUEST_TEST(physmap_table_budget)
{
	uint32_t i, gfn = 0;
	long rc = 0;

	EXPECT(map_shared_info());
	shinfo = NULL;
	for (i = 0; i < 1000; i++) {
		gfn = (1u << 20) + i * (1u << 18);	/* 4 GiB + i GiB: a new L2 and L1 each */
		rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn);
		if (rc) {
			break;
		}
	}
	EXPECT_EQ(rc, -12);
	EXPECT(i > 16 && i < 200);
	/* Places whose tables exist still work, RAM GFNs always. */
	EXPECT(map_shared_info());
	test_note("-ENOMEM after %u far places", i);
}

GUEST_TEST(hvm_features)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	EXPECT_EQ(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uint32_t)&fi, 0), 0);
	EXPECT(fi.submap & (1u << XENFEAT_auto_translated_physmap));
	EXPECT(fi.submap & (1u << XENFEAT_writable_page_tables));
	EXPECT(fi.submap & (1u << XENFEAT_hvm_callback_vector));
	EXPECT(fi.submap & (1u << XENFEAT_hvm_safe_pvclock));
	EXPECT(!(fi.submap & (1u << XENFEAT_hvm_pirqs)));
	EXPECT(!(fi.submap & (1u << XENFEAT_dom0)));
	EXPECT(!(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad)));
	test_note("submap %#x", fi.submap);
}

GUEST_TEST(shared_info_add_to_physmap)
{
	volatile struct shared_info *s = (volatile struct shared_info *)page_a;
	volatile struct vcpu_time_info *t = &s->vcpu_info[0].time;
	uint32_t sec;

	memset(page_a, 0x5a, sizeof(page_a));
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn_of(page_a)), 0);
	shinfo = NULL;
	/* The RAM frame is gone from that GFN: shared_info is there, with the clocks filled in. */
	EXPECT(!all_bytes(page_a, 0x5a));
	EXPECT(s->wc_version && !(s->wc_version & 1));
	sec = s->wc_sec;
	EXPECT(sec > 1577836800u);	/* after 2020-01-01 */
	EXPECT(t->version && !(t->version & 1));
	EXPECT(t->tsc_to_system_mul != 0);
	EXPECT(t->system_time != 0);
	test_note("wc_sec %u, system time %u ms, mul %#x shift %d", sec,
		  (uint32_t)div64(t->system_time, 1000000), t->tsc_to_system_mul, t->tsc_shift);
	/* Home again: the RAM under page_a comes back as it was. */
	EXPECT(map_shared_info());
	EXPECT(all_bytes(page_a, 0x5a));
	EXPECT_EQ(shinfo->wc_sec, sec);
}

/* The pvclock runs at the rate of the local APIC timer's clock (the guest's TSC is scaled right). */
GUEST_TEST(pvclock_rate)
{
	uint64_t t0, ns;

	EXPECT(map_shared_info());
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_TDCR, 0xb);		/* divide by 1: 100 MHz */
	mmio_write32(LAPIC + APIC_LVTT, 1u << 16);	/* masked one-shot */
	t0 = pvclock_ns();
	mmio_write32(LAPIC + APIC_TMICT, 2000000);	/* 20 ms */
	while (mmio_read32(LAPIC + APIC_TMCCT) != 0) {
	}
	ns = pvclock_ns() - t0;
	test_note("20 ms of APIC timer = %u us of pvclock", (uint32_t)div64(ns, 1000));
	EXPECT(ns >= 18000000 && ns < 40000000);
}

GUEST_TEST(shared_info_moves_and_ram_returns)
{
	volatile struct shared_info *b = (volatile struct shared_info *)page_b;
	volatile struct shared_info *high = (volatile struct shared_info *)ABOVE_RAM;
	uint32_t sec;

	EXPECT(map_shared_info());
	sec = shinfo->wc_sec;
	memset(page_b, 0xa5, sizeof(page_b));
	memset(page_c, 0x3c, sizeof(page_c));
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn_of(page_c)), 0);
	shinfo = NULL;
	memset(si_home, 0x77, sizeof(si_home));		/* RAM again */
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn_of(page_b)), 0);
	/* The old GFN has its RAM back, untouched; the new one shows the same shared_info. */
	EXPECT(all_bytes(page_c, 0x3c));
	EXPECT_EQ(b->wc_sec, sec);
	/* Removal gives the RAM back at the second GFN too. */
	EXPECT_EQ(remove_from_physmap(gfn_of(page_b)), 0);
	EXPECT(all_bytes(page_b, 0xa5));
	EXPECT_EQ(remove_from_physmap(gfn_of(page_b)), -22);	/* RAM: nothing to remove */
	/* Above RAM, where there is no RAM to cover. */
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ABOVE_RAM >> 12), 0);
	EXPECT_EQ(high->wc_sec, sec);
	/* Back where the other tests use it. */
	EXPECT(map_shared_info());
	EXPECT_EQ(shinfo->wc_sec, sec);
}

GUEST_TEST(add_to_physmap_refusals)
{
	memset(page_b, 0xa5, sizeof(page_b));
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn_of(page_b)), -22);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, gfn_of(page_b)), -38);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn, 0, gfn_of(page_b)), -38);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, LAPIC >> 12), -22);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table,
				 XENMAPIDX_grant_table_status, gfn_of(page_b)), -22);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 100000, gfn_of(page_b)),
		  -22);
	EXPECT_EQ(add_to_physmap(0, XENMAPSPACE_shared_info, 0, gfn_of(page_b)), -1);
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfec00000u >> 12), -22);
	EXPECT(all_bytes(page_b, 0xa5));
}

GUEST_TEST(grant_frames_mapped)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	struct grant_entry_v1 *e;

	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0, (ABOVE_RAM >> 12) + 1), 0);
	EXPECT_EQ(hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, (uint32_t)&q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	EXPECT(q.nr_frames >= 1 && q.max_nr_frames >= q.nr_frames);
	e = (struct grant_entry_v1 *)(ABOVE_RAM + 4096);
	e[7].domid = 0;
	e[7].frame = 0x1234;
	/* The same frame, moved onto a RAM GFN: the entry written through the old GFN is there. */
	memset(page_c, 0x11, sizeof(page_c));
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0, gfn_of(page_c)), 0);
	e = (struct grant_entry_v1 *)page_c;
	EXPECT_EQ(e[7].frame, 0x1234);
	EXPECT_EQ(e[0].frame, 0);
	/* Frame 1 grows the table. */
	EXPECT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 1, (ABOVE_RAM >> 12) + 2), 0);
	EXPECT_EQ(hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, (uint32_t)&q, 1), 0);
	EXPECT(q.nr_frames >= 2);
	EXPECT_EQ(remove_from_physmap(gfn_of(page_c)), 0);
	EXPECT(all_bytes(page_c, 0x11));
	/* setup_table's handle is pointer-sized: 64-bit callers only. */
	EXPECT_EQ(hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, (uint32_t)&q, 1), -38);
	test_note("%u of %u frames", q.nr_frames, q.max_nr_frames);
}

GUEST_TEST(callback_param)
{
	EXPECT_EQ(set_callback(5), -22);			/* GSI 5: no such wiring */
	EXPECT_EQ(set_callback((1ULL << 56) | 3), -22);	/* PCI INTx */
	EXPECT_EQ(set_callback((2ULL << 56) | 0x05), -22);	/* an exception vector */
	EXPECT_EQ(set_callback((2ULL << 56) | 0x1f3), -22);	/* junk above the vector */
	EXPECT_EQ(set_callback((2ULL << 56) | CALLBACK_VECTOR), 0);
}

/* ---- Events through the callback vector ---- */

static volatile unsigned int upcalls;
static volatile uint32_t seen[4];	/* ports seen, as a bitmap of the first 128 */

static void upcall(struct trap_frame *f)
{
	uint64_t sel;
	unsigned int w, b;

	upcalls++;
	vinfo->evtchn_upcall_pending = 0;
	/* Ports below 128 only: the two low selector bits. */
	sel = __atomic_exchange_n(half(&vinfo->evtchn_pending_sel, 0), 0, __ATOMIC_SEQ_CST);
	for (w = 0; w < 2; w++) {
		uint64_t pend;

		if (!(sel & (1ULL << w))) {
			continue;
		}
		pend = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w];
		for (b = 0; b < 64; b++) {
			if (pend & (1ULL << b)) {
				__atomic_and_fetch(half(&shinfo->evtchn_pending[w], b),
						   ~(1u << (b % 32)), __ATOMIC_SEQ_CST);
				seen[(w * 64 + b) / 32] |= 1u << (b % 32);
			}
		}
	}
	/* No EOI: the callback vector does not go through the local APIC. */
}

static bool saw(uint32_t port)
{
	return port < 128 && (seen[port / 32] & (1u << (port % 32)));
}

static void let_interrupts_in(void)
{
	__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
}

static void forget(void)
{
	memset((void *)seen, 0, sizeof(seen));
	upcalls = 0;
}

GUEST_TEST(virq_timer_through_callback_vector)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_singleshot_timer st;
	uint64_t start, now;
	unsigned int i;

	EXPECT(map_shared_info());
	EXPECT_EQ(set_callback((2ULL << 56) | CALLBACK_VECTOR), 0);
	set_irq_handler(CALLBACK_VECTOR, upcall);
	forget();
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
	EXPECT(bv.port > 0 && bv.port < 128);
	/* Linux's check that vcpu_op timers exist. */
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0);
	start = pvclock_ns();
	st = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = start + 5000000,
						 .flags = VCPU_SSHOTTMR_future };
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uint32_t)&st), 0);
	for (i = 0; i < 100 && !upcalls; i++) {
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	}
	now = pvclock_ns();
	EXPECT(upcalls >= 1);
	EXPECT(saw(bv.port));
	EXPECT(!vinfo->evtchn_upcall_pending);
	/* It fired at its deadline in the guest's own clock, not early. */
	EXPECT(now >= start + 5000000);
	test_note("port %u, woke after %u us", bv.port, (uint32_t)div64(now - start, 1000));
	/* In the past with VCPU_SSHOTTMR_future: refused. */
	st.timeout_abs_ns = start;
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uint32_t)&st),
		  -62);
}

static uint32_t loop_a, loop_b;

/* A loopback interdomain pair: an unbound port for ourselves, bound from our own side. */
static bool loopback_pair(void)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };

	if (loop_b) {
		return true;
	}
	if (!map_shared_info() || evtchn_op(EVTCHNOP_alloc_unbound, &au)) {
		return false;
	}
	bi.remote_port = au.port;
	if (evtchn_op(EVTCHNOP_bind_interdomain, &bi)) {
		return false;
	}
	set_irq_handler(CALLBACK_VECTOR, upcall);
	loop_a = au.port;
	loop_b = bi.local_port;
	return set_callback((2ULL << 56) | CALLBACK_VECTOR) == 0;
}

GUEST_TEST(loopback_event_through_callback_vector)
{
	uint64_t t0, t1;
	struct evtchn_send snd;
	struct evtchn_unmask um;

	EXPECT(loopback_pair());
	/* Binding notified the new port already (as Xen does, for events lost while unbound). */
	let_interrupts_in();
	forget();
	EXPECT(loop_a < 128 && loop_b < 128 && loop_a != loop_b);
	snd.port = loop_b;
	EXPECT_EQ(evtchn_op(EVTCHNOP_send, &snd), 0);
	/* Interrupts are off: the upcall waits for them. */
	EXPECT_EQ(upcalls, 0);
	EXPECT(vinfo->evtchn_upcall_pending);
	let_interrupts_in();
	EXPECT_EQ(upcalls, 1);
	EXPECT(saw(loop_a));
	/* A masked port becomes pending without an upcall; unmasking delivers it. */
	forget();
	__atomic_or_fetch(half(&shinfo->evtchn_mask[loop_a / 64], loop_a % 64),
			  1u << (loop_a % 32), __ATOMIC_SEQ_CST);
	EXPECT_EQ(evtchn_op(EVTCHNOP_send, &snd), 0);
	let_interrupts_in();
	EXPECT_EQ(upcalls, 0);
	EXPECT(shinfo->evtchn_pending[loop_a / 64] & (1ULL << (loop_a % 64)));
	um.port = loop_a;
	EXPECT_EQ(evtchn_op(EVTCHNOP_unmask, &um), 0);
	let_interrupts_in();
	EXPECT_EQ(upcalls, 1);
	EXPECT(saw(loop_a));
	/* And the other direction, timed: a send and its upcall (two exits and an injection). */
	forget();
	snd.port = loop_a;
	t0 = rdtsc();
	EXPECT_EQ(evtchn_op(EVTCHNOP_send, &snd), 0);
	let_interrupts_in();
	t1 = rdtsc();
	EXPECT(saw(loop_b));
	test_note("ports %u <-> %u, send to upcall %u TSC kcycles", loop_a, loop_b,
		  (uint32_t)((t1 - t0) >> 10));
}

GUEST_TEST(register_vcpu_info)
{
	struct vcpu_register_vcpu_info r = { .mfn = gfn_of(vcpu_page), .offset = 128 };
	volatile struct vcpu_info *old;
	struct evtchn_send snd;

	EXPECT(loopback_pair());
	let_interrupts_in();
	old = vinfo;
	snd.port = loop_b;
	memset(vcpu_page, 0, sizeof(vcpu_page));
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint32_t)&r), 0);
	vinfo = (volatile struct vcpu_info *)(vcpu_page + 128);
	vinfo_registered = true;
	/* The time moved with it. */
	EXPECT(vinfo->time.tsc_to_system_mul != 0 && !(vinfo->time.version & 1));
	forget();
	EXPECT_EQ(evtchn_op(EVTCHNOP_send, &snd), 0);
	EXPECT(vinfo->evtchn_upcall_pending);
	EXPECT(!old->evtchn_upcall_pending);
	let_interrupts_in();
	EXPECT_EQ(upcalls, 1);
	EXPECT(saw(loop_a));
	/* Once per vCPU, as Xen. */
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint32_t)&r), -22);
	/* A vCPU the domain does not have. */
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, (uint32_t)&r), -2);
}

GUEST_TEST(hvm_vcpu_op_policy)
{
	/* vCPUs come up through the local APIC (INIT/SIPI); the PV context calls do not exist. */
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, 9 /* pagetable_dying */, 0, 0), -38);
	/* Layouts with pointers or 64-bit fields are 64-bit callers' only (no compat translation). */
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, (uint32_t)page_b), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
			    (uint32_t)page_b), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)page_b, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_xen_version, XENVER_platform_parameters, (uint32_t)page_b, 0),
		  -38);
}

/* The PV console ring Argon serves, found as Linux's hvc_xen finds it in an HVM guest. */
GUEST_TEST(console_ring_params)
{
	static const char msg[] = "hello through the HVM console ring\n";
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
	volatile struct xencons_interface *ring;
	struct evtchn_send snd;
	uint32_t prod, i;

	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)&p, 0), 0);
	EXPECT(p.value > (32u << 8) && p.value < (1u << 20));	/* above RAM, below 4 GiB */
	ring = (volatile struct xencons_interface *)(uint32_t)(p.value << 12);
	p.index = HVM_PARAM_CONSOLE_EVTCHN;
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)&p, 0), 0);
	EXPECT(p.value != 0);
	snd.port = (uint32_t)p.value;
	/* The guest may not move it: the toolstack's parameter. */
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint32_t)&p, 0), -1);
	prod = ring->out_prod;
	for (i = 0; i < sizeof(msg) - 1; i++) {
		ring->out[(prod + i) % sizeof(ring->out)] = msg[i];
	}
	__asm__ __volatile__("" ::: "memory");
	ring->out_prod = prod + i;
	EXPECT_EQ(evtchn_op(EVTCHNOP_send, &snd), 0);
	test_note("ring at gfn %#x, port %u", (uint32_t)(p.value ? (uint32_t)ring >> 12 : 0), snd.port);
}
