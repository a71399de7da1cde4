/*
 * Guest FPU/SIMD state. Argon itself never uses FPU or SIMD registers (-mgeneral-regs-only), so
 * a vCPU's state only has to be saved and loaded when the CPU switches vCPUs. With XSAVE the x87,
 * SSE and AVX components are switched (SDM vol. 1, chapter 13); other components stay disabled,
 * so guests cannot reach state that Argon would not switch.
 */
#include <argon/console.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/fpu.h>

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)

uint64_t fpu_xcr0;
static uint8_t init_area[FPU_AREA_SIZE] __aligned(FPU_AREA_ALIGN);

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ __volatile__("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_save(uint8_t *area)
{
	if (fpu_xcr0) {
		__asm__ __volatile__("xsave64 %0"
				     : "=m"(*(uint8_t(*)[FPU_AREA_SIZE])area)
				     : "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32)));
	} else {
		__asm__ __volatile__("fxsave64 %0" : "=m"(*(uint8_t(*)[FPU_AREA_SIZE])area));
	}
}

void fpu_restore(const uint8_t *area)
{
	if (fpu_xcr0) {
		__asm__ __volatile__("xrstor64 %0"
				     : : "m"(*(const uint8_t(*)[FPU_AREA_SIZE])area),
				       "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32)));
	} else {
		__asm__ __volatile__("fxrstor64 %0" : : "m"(*(const uint8_t(*)[FPU_AREA_SIZE])area));
	}
}

void fpu_init_area(uint8_t *area)
{
	memcpy(area, init_area, FPU_AREA_SIZE);
}

void fpu_init_cpu(void)
{
	uint32_t mxcsr = 0x1f80;	/* all SIMD exceptions masked, round to nearest */
	uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu.xsave) {
		struct cpuid_regs r = cpuid_count(0xd, 0);
		uint64_t xcr0 = ((uint64_t)r.d << 32 | r.a) & (XCR0_X87 | XCR0_SSE | XCR0_AVX);

		write_cr4(cr4 | X86_CR4_OSXSAVE);
		xsetbv(0, xcr0);
		/* The image size for the enabled components must fit the per-vCPU area. */
		if (cpuid_count(0xd, 0).b <= FPU_AREA_SIZE) {
			fpu_xcr0 = xcr0;
		} else {
			xsetbv(0, XCR0_X87 | XCR0_SSE);
			write_cr4(cr4);
		}
	} else {
		write_cr4(cr4);
	}
	__asm__ __volatile__("clts; fninit; ldmxcsr %0" : : "m"(mxcsr));
	memset(init_area, 0, sizeof(init_area));
	fpu_save(init_area);
	log_info("FPU: %s, guest state of %u bytes (x87, SSE%s)\n", fpu_xcr0 ? "XSAVE" : "FXSAVE",
		 fpu_xcr0 ? cpuid_count(0xd, 0).b : 512, fpu_xcr0 & XCR0_AVX ? ", AVX" : "");
}

uint32_t fpu_mxcsr_mask(void)
{
	uint32_t mask;

	/* MXCSR_MASK sits at byte 28 of the legacy region; 0 means the default (SDM vol. 1, 11.6.6). */
	memcpy(&mask, init_area + 28, sizeof(mask));
	return mask ? mask : 0xffbf;
}

void fpu_load_legacy_image(uint8_t *area, const uint8_t *image)
{
	memcpy(area, image, 512);
	if (fpu_xcr0) {
		uint64_t xstate_bv;

		/* XSAVE header at byte 512: XSTATE_BV says which components the image holds. */
		memcpy(&xstate_bv, area + 512, sizeof(xstate_bv));
		xstate_bv |= XCR0_X87 | XCR0_SSE;
		memcpy(area + 512, &xstate_bv, sizeof(xstate_bv));
	}
}
