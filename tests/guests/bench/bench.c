/*
 * bench: what PV operations cost the guest, in TSC cycles measured in the guest (rdtsc around one
 * operation, median of many), next to guest-only baselines (an empty measurement, a function
 * call, a short loop) so the ratios mean something under TCG or on hardware. Each result is one
 * line `BENCH <name>: <cycles> cycles (median of N)`; bench/pv_costs.py collects them.
 */
#include <argon/lib.h>

#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>

#include <public/version.h>

#define SAMPLES 201
#define BATCH 512

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t samples[SAMPLES];

static uint64_t median(void)
{
	for (int i = 1; i < SAMPLES; i++) {
		uint64_t v = samples[i];
		int j = i - 1;

		for (; j >= 0 && samples[j] > v; j--) {
			samples[j + 1] = samples[j];
		}
		samples[j + 1] = v;
	}
	return samples[SAMPLES / 2];
}

static void report(const char *name)
{
	printk("BENCH %s: %lu cycles (median of %d)\n", name, median(), SAMPLES);
}

/* Measure one run of BODY per sample. */
#define MEASURE(name, body)                                  \
	do {                                                 \
		for (int s_ = 0; s_ < SAMPLES; s_++) {       \
			uint64_t t0_ = rdtsc_ordered();      \
			body;                                \
			samples[s_] = rdtsc_ordered() - t0_; \
		}                                            \
		report(name);                                \
	} while (0)

__attribute__((noinline)) static long empty_function(long x)
{
	__asm__ __volatile__("" : "+r"(x));
	return x;
}

GUEST_TEST(a_baselines)
{
	volatile long sink = 0;

	MEASURE("empty (rdtsc overhead)", (void)0);
	MEASURE("function call", sink = empty_function(sink));
	MEASURE("loop of 100 additions", for (int i = 0; i < 100; i++) {
		__asm__ __volatile__("" ::: "memory");
		sink = sink + i;
	});
}

GUEST_TEST(b_null_hypercalls)
{
	volatile long sink;

	hypercall_direct = false;
	MEASURE("xen_version (hypercall page)", sink = HYPERVISOR_xen_version(XENVER_version, NULL));
	MEASURE("unknown hypercall (hypercall page)", sink = hypercall0(60));
	hypercall_direct = true;
	MEASURE("xen_version (direct syscall)", sink = HYPERVISOR_xen_version(XENVER_version, NULL));
	hypercall_direct = false;
	(void)sink;
}

GUEST_TEST(c_mmu_update_512)
{
	uint64_t *l1 = page_alloc(), *data = page_alloc();
	static struct mmu_update map[BATCH], unmap[BATCH];
	uint64_t l1m;
	long rc = 0;

	EXPECT(l1 && data);
	EXPECT_EQ(set_page_rw(l1, false), 0);
	EXPECT_EQ(HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_PIN_L1_TABLE,
							   .arg1.mfn = virt_to_mfn(l1) },
				       1, NULL, DOMID_SELF), 0);
	l1m = virt_to_mfn(l1) << 12;
	for (int i = 0; i < BATCH; i++) {
		map[i].ptr = l1m + i * 8;
		map[i].val = (virt_to_mfn(data) << 12) | PTE_P | PTE_A;
		unmap[i].ptr = l1m + i * 8;
		unmap[i].val = 0;
	}
	/* Each sample fills a pinned L1 with 512 new entries; the untimed batch empties it again. */
	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = rdtsc_ordered();

		rc |= HYPERVISOR_mmu_update(map, BATCH, NULL, DOMID_SELF);
		samples[s] = rdtsc_ordered() - t0;
		rc |= HYPERVISOR_mmu_update(unmap, BATCH, NULL, DOMID_SELF);
	}
	EXPECT_EQ(rc, 0);
	report("mmu_update, 512 new L1 entries");
	MEASURE("mmu_update, 1 L1 entry (same value again)", rc |= HYPERVISOR_mmu_update(map, 1, NULL, DOMID_SELF));
	EXPECT_EQ(rc, 0);
}

GUEST_TEST(d_bounced_faults)
{
	uint64_t v = 0, before = trap_count;

	MEASURE("page fault bounced and returned", __asm__ __volatile__(
		"1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b) : "+r"(v) : "r"(0x1000UL) : "memory"));
	MEASURE("int3 bounced and returned", __asm__ __volatile__(
		"int3\n1:\n" EXTABLE(1b, 1b) ::: "memory"));
	EXPECT_EQ(trap_count - before, 2 * SAMPLES);
}

GUEST_TEST(e_emulation)
{
	uint32_t r[4];

	MEASURE("forced-emulation cpuid", __asm__ __volatile__(
		"ud2; .ascii \"xen\"; cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		: "0"(0x40000000u), "2"(0u)));
}
