/* The register frame the exception and interrupt entry code builds on the stack. */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <argon/types.h>

/** Saved state of an interrupted context; layout fixed by arch/x86/cpu/entry.S. */
struct cpu_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors (SDM vol. 3, table 6-1). */
#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_NMI 2
#define X86_EXC_BP 3
#define X86_EXC_OF 4
#define X86_EXC_BR 5
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_DF 8
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MF 16
#define X86_EXC_AC 17
#define X86_EXC_MC 18
#define X86_EXC_XM 19
#define X86_EXC_VE 20
#define X86_EXC_CP 21
#define X86_EXC_HV 28
#define X86_EXC_VC 29
#define X86_EXC_SX 30

/* Interrupt vectors Argon assigns. */
#define PIC_VECTOR_BASE 0x20		/* the masked legacy PIC, remapped off the exceptions */
#define APIC_ERROR_VECTOR 0xfd
#define APIC_TIMER_VECTOR 0xf0
#define APIC_SPURIOUS_VECTOR 0xff

/** Entry point from entry.S for every exception and interrupt. */
void do_trap(struct cpu_regs *regs);

#endif
