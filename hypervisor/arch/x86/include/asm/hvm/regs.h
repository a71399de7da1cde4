/* The register file of an HVM vCPU, shared by C and the vendors' assembly entry code. */
#ifndef ASM_HVM_REGS_H
#define ASM_HVM_REGS_H

/* Offsets of struct hvm_regs for the vendors' assembly entry code. */
#define HVM_REGS_RAX 0
#define HVM_REGS_RBX 8
#define HVM_REGS_RCX 16
#define HVM_REGS_RDX 24
#define HVM_REGS_RSI 32
#define HVM_REGS_RDI 40
#define HVM_REGS_RBP 48
#define HVM_REGS_R8 64
#define HVM_REGS_R9 72
#define HVM_REGS_R10 80
#define HVM_REGS_R11 88
#define HVM_REGS_R12 96
#define HVM_REGS_R13 104
#define HVM_REGS_R14 112
#define HVM_REGS_R15 120


#ifndef __ASSEMBLER__
#include <argon/types.h>

/** A guest's general registers, including the ones a vendor keeps in its control block. */
struct hvm_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};
#endif

#endif
