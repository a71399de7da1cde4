/*
 * fpu: a vCPU's FPU/SIMD registers survive being switched away from. Two domains run this kernel
 * side by side with different patterns (from their command lines) in xmm0-xmm15 and, with AVX,
 * the upper halves of ymm0-ymm15; each keeps checking its own while the scheduler switches.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>

#include <public/vcpu.h>

static uint8_t pattern;

static void cpuid_fep(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("ud2; .ascii \"xen\"; cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(sub));
}

static bool have_avx(void)
{
	uint32_t r[4];

	cpuid_fep(1, 0, r);
	/* AVX (bit 28) usable only with OSXSAVE (bit 27). */
	return (r[2] & (1u << 28)) && (r[2] & (1u << 27));
}

static uint8_t buf[32 * 16] __attribute__((aligned(32)));
static uint8_t out[32 * 16] __attribute__((aligned(32)));

#define LOAD_XMM(n) __asm__ __volatile__("movdqa %0, %%xmm" #n : : "m"(buf[16 * n]))
#define STORE_XMM(n) __asm__ __volatile__("movdqa %%xmm" #n ", %0" : "=m"(out[16 * n]))
#define LOAD_YMM(n) __asm__ __volatile__("vmovdqa %0, %%ymm" #n : : "m"(buf[32 * n]))
#define STORE_YMM(n) __asm__ __volatile__("vmovdqa %%ymm" #n ", %0" : "=m"(out[32 * n]))

static void load_all(bool avx)
{
	if (avx) {
		LOAD_YMM(0); LOAD_YMM(1); LOAD_YMM(2); LOAD_YMM(3); LOAD_YMM(4); LOAD_YMM(5);
		LOAD_YMM(6); LOAD_YMM(7); LOAD_YMM(8); LOAD_YMM(9); LOAD_YMM(10); LOAD_YMM(11);
		LOAD_YMM(12); LOAD_YMM(13); LOAD_YMM(14); LOAD_YMM(15);
	} else {
		LOAD_XMM(0); LOAD_XMM(1); LOAD_XMM(2); LOAD_XMM(3); LOAD_XMM(4); LOAD_XMM(5);
		LOAD_XMM(6); LOAD_XMM(7); LOAD_XMM(8); LOAD_XMM(9); LOAD_XMM(10); LOAD_XMM(11);
		LOAD_XMM(12); LOAD_XMM(13); LOAD_XMM(14); LOAD_XMM(15);
	}
}

static void store_all(bool avx)
{
	if (avx) {
		STORE_YMM(0); STORE_YMM(1); STORE_YMM(2); STORE_YMM(3); STORE_YMM(4); STORE_YMM(5);
		STORE_YMM(6); STORE_YMM(7); STORE_YMM(8); STORE_YMM(9); STORE_YMM(10); STORE_YMM(11);
		STORE_YMM(12); STORE_YMM(13); STORE_YMM(14); STORE_YMM(15);
	} else {
		STORE_XMM(0); STORE_XMM(1); STORE_XMM(2); STORE_XMM(3); STORE_XMM(4); STORE_XMM(5);
		STORE_XMM(6); STORE_XMM(7); STORE_XMM(8); STORE_XMM(9); STORE_XMM(10); STORE_XMM(11);
		STORE_XMM(12); STORE_XMM(13); STORE_XMM(14); STORE_XMM(15);
	}
}

static uint64_t running_ns(void)
{
	struct vcpu_runstate_info r;

	memset(&r, 0, sizeof(r));
	HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &r);
	return r.time[RUNSTATE_running] + r.time[RUNSTATE_runnable];
}

GUEST_TEST(registers_survive_switches)
{
	bool avx = have_avx();
	unsigned int i, size = avx ? 32 : 16, checks = 0, bad = 0;
	uint64_t start = running_ns();

	pattern = (uint8_t)start_info->cmd_line[0];
	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(pattern ^ i);
	}
	load_all(avx);
	/* 2 s of wall time next to the other domain: many switches in between. */
	while (running_ns() - start < 2000000000ULL) {
		store_all(avx);
		if (memcmp(out, buf, 16 * size)) {
			bad++;
			load_all(avx);
		}
		checks++;
	}
	EXPECT(bad == 0);
	test_note("%s, pattern %#x, %u checks", avx ? "ymm0-15" : "xmm0-15", pattern, checks);
}
