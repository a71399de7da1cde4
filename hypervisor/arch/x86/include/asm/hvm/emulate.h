/*
 * A small x86 instruction decoder and executor for the instructions guests use on MMIO: mov (all
 * forms incl. moffs, movzx, movsx), and/or/xor to and from memory, test, stos and movs (with rep).
 * Portable: it touches no hardware and reaches memory only through callbacks, so the host unit
 * tests run the real file (tests/unit/test_hvm_emulate.c).
 */
#ifndef ASM_HVM_EMULATE_H
#define ASM_HVM_EMULATE_H

#include <argon/types.h>
#include <asm/hvm/regs.h>

#define X86_MAX_INSN_LEN 15

/* Segment numbers as the x86 encoding orders them. */
#define X86_SEG_ES 0
#define X86_SEG_CS 1
#define X86_SEG_SS 2
#define X86_SEG_DS 3
#define X86_SEG_FS 4
#define X86_SEG_GS 5
/* The memory operand of a ModRM or moffs instruction (the access that exited). */
#define X86_MEM_OPERAND 0xff

/** What the decoded instruction does. */
enum x86_op {
	X86_OP_MOV_STORE,	/* mem <- reg */
	X86_OP_MOV_LOAD,	/* reg <- mem */
	X86_OP_MOV_STORE_IMM,	/* mem <- imm */
	X86_OP_MOVZX,		/* reg <- zero-extended mem (src_bytes) */
	X86_OP_MOVSX,		/* reg <- sign-extended mem (src_bytes) */
	X86_OP_ALU_STORE,	/* mem <- mem OP reg (alu) */
	X86_OP_ALU_STORE_IMM,	/* mem <- mem OP imm (alu) */
	X86_OP_ALU_LOAD,	/* reg <- reg OP mem (alu) */
	X86_OP_TEST,		/* flags <- mem AND reg */
	X86_OP_TEST_IMM,	/* flags <- mem AND imm */
	X86_OP_STOS,		/* es:[rdi] <- rax (rep: rcx times) */
	X86_OP_MOVS,		/* es:[rdi] <- seg:[rsi] (rep: rcx times) */
};

enum x86_alu { X86_ALU_AND, X86_ALU_OR, X86_ALU_XOR };

/** One decoded instruction. */
struct x86_insn {
	enum x86_op op;
	enum x86_alu alu;
	uint8_t len;		/* bytes, prefixes included */
	uint8_t op_bytes;	/* operand size: 1, 2, 4 or 8 */
	uint8_t src_bytes;	/* movzx/movsx source size */
	uint8_t addr_bytes;	/* address size: 2, 4 or 8 */
	uint8_t seg;		/* segment of the memory (movs: source) operand */
	uint8_t reg;		/* register operand 0-15 (AH-BH are 4-7 with reg_high8) */
	bool reg_high8;
	bool rep;		/* F3 (or F2) on a string instruction */
	uint64_t imm;		/* the immediate, sign-extended to op_bytes */
};

/**
 * Decode the instruction in @bytes (@avail bytes available) for a CPU whose code segment has
 * default operand/address size @mode_bytes (2, 4, or 8 in 64-bit mode). Returns 0, -EINVAL for
 * an instruction outside the supported set, or -ENODATA when @avail is too short.
 */
int x86_decode(const uint8_t *bytes, size_t avail, unsigned int mode_bytes, struct x86_insn *out);

/**
 * Memory access for the executor: @size bytes at @seg:@offset (or the exiting access when @seg is
 * X86_MEM_OPERAND, @offset then unused), read into or written from @val. Returns 0 or a negative
 * errno (the emulation stops and returns it).
 */
typedef int (*x86_mem_fn)(void *ctx, unsigned int seg, uint64_t offset, void *val,
			  unsigned int size, bool write);

/** The state the executor works on. */
struct x86_emul {
	struct hvm_regs *regs;
	x86_mem_fn mem;
	void *ctx;
	unsigned int max_reps;	/* rep iterations per call; the rest re-executes */
};

/**
 * Execute @insn on @e: registers, flags and rip are updated (rip only when the instruction
 * completed; a rep string instruction cut short by max_reps leaves rip for re-execution).
 * Returns 0 or the memory callback's error.
 */
int x86_execute(const struct x86_insn *insn, struct x86_emul *e);

#endif
