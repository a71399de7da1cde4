/* Guest FPU/SIMD state: XSAVE (x87, SSE, AVX) when the CPU has it, FXSAVE otherwise. */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <argon/types.h>

/* Room for the x87/SSE/AVX components of an XSAVE image (832 bytes) or an FXSAVE image. */
#define FPU_AREA_SIZE 1024
#define FPU_AREA_ALIGN 64

/** Enable the FPU/SIMD state Argon offers guests on this CPU (CR4.OSFXSR, OSXSAVE, XCR0). */
void fpu_init_cpu(void);

/** The XCR0 guests run with (0 without XSAVE). */
extern uint64_t fpu_xcr0;

/** Save the CPU's FPU/SIMD state into @area (FPU_AREA_SIZE, 64-byte aligned). */
void fpu_save(uint8_t *area);

/** Load @area into the CPU. */
void fpu_restore(const uint8_t *area);

/** Fill @area with the state of a freshly reset FPU (FNINIT, default MXCSR, clean AVX). */
void fpu_init_area(uint8_t *area);

/** The MXCSR bits this CPU supports (FXSAVE's MXCSR_MASK, or its documented default). */
uint32_t fpu_mxcsr_mask(void);

/**
 * Put a 512-byte FXSAVE image (x87 and SSE state, e.g. from VCPUOP_initialise) into @area, which
 * holds an initial state; with XSAVE the header marks the x87 and SSE components as present.
 */
void fpu_load_legacy_image(uint8_t *area, const uint8_t *image);

#endif
