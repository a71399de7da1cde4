/*
 * The HVM MMIO instruction decoder and executor (hypervisor/arch/x86/hvm/emulate.c): lengths and
 * operands of every supported form in 16-, 32- and 64-bit code, refusal of everything else, and
 * execution against a fake device (register results, flags, rep string instructions).
 */
#include "unit.h"
#include <asm/hvm/emulate.h>

struct decode_case {
	const char *what;
	uint8_t bytes[15];
	unsigned int avail, mode;
	int rc;
	enum x86_op op;
	unsigned int len, op_bytes, reg;
	uint64_t imm;
};

static const struct decode_case decode_cases[] = {
	{ "mov %eax,(%ebx)", { 0x89, 0x03 }, 2, 4, 0, X86_OP_MOV_STORE, 2, 4, 0, 0 },
	{ "mov 0x30(%edx),%ecx", { 0x8b, 0x4a, 0x30 }, 3, 4, 0, X86_OP_MOV_LOAD, 3, 4, 1, 0 },
	{ "mov 0xfee00030,%eax (moffs)", { 0xa1, 0x30, 0x00, 0xe0, 0xfe }, 5, 4, 0, X86_OP_MOV_LOAD,
	  5, 4, 0, 0 },
	{ "mov %al,moffs64", { 0xa2, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 8, 0, X86_OP_MOV_STORE, 9, 1, 0, 0 },
	{ "movb $0x12,(%eax)", { 0xc6, 0x00, 0x12 }, 3, 4, 0, X86_OP_MOV_STORE_IMM, 3, 1, 0, 0x12 },
	{ "movl $imm32,disp32(%esp) (SIB)", { 0xc7, 0x84, 0x24, 1, 0, 0, 0, 0x78, 0x56, 0x34, 0x12 },
	  11, 4, 0, X86_OP_MOV_STORE_IMM, 11, 4, 0, 0x12345678 },
	{ "movq $-1,(%rax) (REX.W, imm sign-extended)", { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff },
	  7, 8, 0, X86_OP_MOV_STORE_IMM, 7, 8, 0, ~0ULL },
	{ "mov %r9,(%rdi) (REX.R)", { 0x4c, 0x89, 0x0f }, 3, 8, 0, X86_OP_MOV_STORE, 3, 8, 9, 0 },
	{ "mov 0x10(%rip),%eax", { 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, 8, 0, X86_OP_MOV_LOAD, 6, 4, 0, 0 },
	{ "mov %ax,(%bx) (16-bit code)", { 0x89, 0x07 }, 2, 2, 0, X86_OP_MOV_STORE, 2, 2, 0, 0 },
	{ "mov %ax,0x1234 (16-bit disp16)", { 0x89, 0x06, 0x34, 0x12 }, 4, 2, 0, X86_OP_MOV_STORE, 4,
	  2, 0, 0 },
	{ "mov %ax,(%ebx) (66 prefix)", { 0x66, 0x89, 0x03 }, 3, 4, 0, X86_OP_MOV_STORE, 3, 2, 0, 0 },
	{ "movzbl (%eax),%edx", { 0x0f, 0xb6, 0x10 }, 3, 4, 0, X86_OP_MOVZX, 3, 4, 2, 0 },
	{ "movswl (%eax),%edx", { 0x0f, 0xbf, 0x10 }, 3, 4, 0, X86_OP_MOVSX, 3, 4, 2, 0 },
	{ "orl $0x1ff,(%eax)", { 0x81, 0x08, 0xff, 0x01, 0, 0 }, 6, 4, 0, X86_OP_ALU_STORE_IMM, 6, 4,
	  1, 0x1ff },
	{ "andl $-16,(%eax) (83 imm8)", { 0x83, 0x20, 0xf0 }, 3, 4, 0, X86_OP_ALU_STORE_IMM, 3, 4, 4,
	  0xfffffff0 },
	{ "xor %ecx,(%eax)", { 0x31, 0x08 }, 2, 4, 0, X86_OP_ALU_STORE, 2, 4, 1, 0 },
	{ "or (%eax),%dl", { 0x0a, 0x10 }, 2, 4, 0, X86_OP_ALU_LOAD, 2, 1, 2, 0 },
	{ "test %eax,(%ebx)", { 0x85, 0x03 }, 2, 4, 0, X86_OP_TEST, 2, 4, 0, 0 },
	{ "testb $0x80,(%eax)", { 0xf6, 0x00, 0x80 }, 3, 4, 0, X86_OP_TEST_IMM, 3, 1, 0, 0x80 },
	{ "rep stosl", { 0xf3, 0xab }, 2, 4, 0, X86_OP_STOS, 2, 4, 0, 0 },
	{ "movsb with fs override", { 0x64, 0xa4 }, 2, 4, 0, X86_OP_MOVS, 2, 1, 0, 0 },
	{ "add (not supported)", { 0x01, 0x03 }, 2, 4, -EINVAL, 0, 0, 0, 0, 0 },
	{ "addl $1,(%eax) (not supported)", { 0x83, 0x00, 0x01 }, 3, 4, -EINVAL, 0, 0, 0, 0, 0 },
	{ "mov register to register", { 0x89, 0xc3 }, 2, 4, -EINVAL, 0, 0, 0, 0, 0 },
	{ "truncated disp32", { 0x8b, 0x80, 0x00 }, 3, 4, -ENODATA, 0, 0, 0, 0, 0 },
	{ "truncated after prefix", { 0x66 }, 1, 4, -ENODATA, 0, 0, 0, 0, 0 },
	{ "16 prefixes", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
			   0x66, 0x66, 0x66 }, 15, 4, -EINVAL, 0, 0, 0, 0, 0 },
	{ "REX in 32-bit code is inc", { 0x48, 0x89, 0x03 }, 3, 4, -EINVAL, 0, 0, 0, 0, 0 },
	{ "bad mode", { 0x89, 0x03 }, 2, 3, -EINVAL, 0, 0, 0, 0, 0 },
};

static void test_decode_table(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_cases); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct x86_insn in;
		int rc = x86_decode(c->bytes, c->avail, c->mode, &in);

		if (rc != c->rc) {
			fail_msg("%s: rc %d, expected %d", c->what, rc, c->rc);
		}
		if (rc) {
			continue;
		}
		if (in.op != c->op || in.len != c->len || in.op_bytes != c->op_bytes ||
		    in.reg != c->reg || in.imm != c->imm) {
			fail_msg("%s: op %d len %u bytes %u reg %u imm %#llx", c->what, in.op, in.len,
				 in.op_bytes, in.reg, (unsigned long long)in.imm);
		}
	}
}

/* Every strictly shorter buffer of a valid instruction is -ENODATA, never a misdecode. */
static void test_decode_short_input(void **state)
{
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(decode_cases); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct x86_insn in;

		if (c->rc) {
			continue;
		}
		for (n = 0; n < c->len; n++) {
			int rc = x86_decode(c->bytes, n, c->mode, &in);

			if (rc != -ENODATA) {
				fail_msg("%s with %u bytes: rc %d", c->what, n, rc);
			}
		}
	}
}

/* Random bytes: the decoder either refuses or reports a length within the bytes it had. */
static void test_decode_random(void **state)
{
	uint64_t seed = 0x1234;
	unsigned int i, j;

	for (i = 0; i < 200000; i++) {
		uint8_t b[15];
		struct x86_insn in;
		unsigned int avail = 1 + (unsigned int)test_rand_below(&seed, 15);
		int rc;

		for (j = 0; j < sizeof(b); j++) {
			b[j] = (uint8_t)test_rand(&seed);
		}
		rc = x86_decode(b, avail, (unsigned int[]){ 2, 4, 8 }[i % 3], &in);
		assert_true(rc == 0 || rc == -EINVAL || rc == -ENODATA);
		if (!rc) {
			assert_true(in.len >= 1 && in.len <= avail);
			assert_true(in.op_bytes == 1 || in.op_bytes == 2 || in.op_bytes == 4 ||
				    in.op_bytes == 8);
		}
	}
}

/* The fake device: 64 bytes at the exiting operand; string operands address a RAM array. */
static uint8_t device[64], ram[256];
static unsigned int device_accesses;

static int fake_mem(void *ctx, unsigned int seg, uint64_t off, void *val, unsigned int size,
		    bool write)
{
	uint8_t *p;

	if (seg == X86_MEM_OPERAND) {
		p = device;
		device_accesses++;
	} else {
		if (off + size > sizeof(ram)) {
			return -EFAULT;
		}
		p = ram + off;
	}
	if (write) {
		memcpy(p, val, size);
	} else {
		memcpy(val, p, size);
	}
	return 0;
}

static int run(const uint8_t *bytes, size_t n, unsigned int mode, struct hvm_regs *r)
{
	struct x86_emul e = { .regs = r, .mem = fake_mem, .max_reps = 1000 };
	struct x86_insn in;
	int rc = x86_decode(bytes, n, mode, &in);

	return rc ? rc : x86_execute(&in, &e);
}

static void test_execute_moves(void **state)
{
	struct hvm_regs r = { .rax = 0x1122334455667788ULL, .rip = 0x1000 };
	static const uint8_t store[] = { 0x89, 0x03 }, load[] = { 0x8b, 0x0b },
			     loadb_ah[] = { 0x8a, 0x23 }, movsx[] = { 0x48, 0x0f, 0xbe, 0x13 };

	memset(device, 0, sizeof(device));
	assert_int_equal(run(store, sizeof(store), 4, &r), 0);
	assert_int_equal(device[0], 0x88);
	assert_int_equal(device[3], 0x55);
	assert_int_equal(device[4], 0);			/* 4 bytes only */
	assert_int_equal(r.rip, 0x1002);
	r.rcx = ~0ULL;
	assert_int_equal(run(load, sizeof(load), 8, &r), 0);
	assert_int_equal(r.rcx, 0x55667788ULL);		/* a 32-bit load zero-extends */
	device[0] = 0xab;
	assert_int_equal(run(loadb_ah, sizeof(loadb_ah), 4, &r), 0);
	assert_int_equal(r.rax, 0x112233445566ab88ULL);	/* %ah only */
	device[0] = 0x80;
	assert_int_equal(run(movsx, sizeof(movsx), 8, &r), 0);
	assert_int_equal(r.rdx, 0xffffffffffffff80ULL);
}

static void test_execute_logic_and_flags(void **state)
{
	struct hvm_regs r = { .rflags = 0x2 | 1 /* CF */ | (1 << 11) /* OF */ };
	static const uint8_t or_imm[] = { 0x81, 0x08, 0x00, 0x01, 0, 0 },
			     and_imm[] = { 0x83, 0x20, 0x00 }, test_imm[] = { 0xf6, 0x00, 0x80 };

	memset(device, 0, sizeof(device));
	device[0] = 0x0f;
	assert_int_equal(run(or_imm, sizeof(or_imm), 4, &r), 0);
	assert_int_equal(device[0], 0x0f);
	assert_int_equal(device[1], 0x01);
	assert_int_equal(r.rflags & 0x8c1, 0);		/* CF, OF cleared; not zero, not negative */
	assert_true(r.rflags & (1 << 2));		/* PF: low byte 0x0f has even parity */
	assert_int_equal(run(and_imm, sizeof(and_imm), 4, &r), 0);
	assert_int_equal(device[0] | device[1], 0);
	assert_true(r.rflags & (1 << 6));		/* ZF */
	assert_true(r.rflags & (1 << 2));		/* PF of 0 */
	device[0] = 0x80;
	assert_int_equal(run(test_imm, sizeof(test_imm), 4, &r), 0);
	assert_int_equal(device[0], 0x80);		/* test writes nothing */
	assert_true(r.rflags & (1 << 7));		/* SF */
	assert_false(r.rflags & (1 << 6));
}

static void test_execute_rep_strings(void **state)
{
	struct hvm_regs r = { .rax = 0xaa, .rdi = 16, .rcx = 8, .rip = 0x100, .rflags = 2 };
	static const uint8_t rep_stosb[] = { 0xf3, 0xaa }, rep_movsd[] = { 0xf3, 0xa5 };
	struct x86_emul e = { .regs = &r, .mem = fake_mem, .max_reps = 5 };
	struct x86_insn in;
	unsigned int i;

	memset(ram, 0, sizeof(ram));
	assert_int_equal(x86_decode(rep_stosb, 2, 4, &in), 0);
	/* max_reps 5: the first pass stops early and leaves rip for re-execution. */
	assert_int_equal(x86_execute(&in, &e), 0);
	assert_int_equal(r.rcx, 3);
	assert_int_equal(r.rip, 0x100);
	assert_int_equal(x86_execute(&in, &e), 0);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rip, 0x102);
	assert_int_equal(r.rdi, 24);
	for (i = 0; i < sizeof(ram); i++) {
		assert_int_equal(ram[i], i >= 16 && i < 24 ? 0xaa : 0);
	}
	/* Backwards (DF set) movsd of two dwords. */
	r = (struct hvm_regs){ .rsi = 20, .rdi = 120, .rcx = 2, .rflags = 2 | (1 << 10) };
	memcpy(ram + 16, "ABCDEFGH", 8);
	e.max_reps = 100;
	assert_int_equal(run(rep_movsd, 2, 4, &r), 0);
	assert_memory_equal(ram + 116, "ABCDEFGH", 8);
	assert_int_equal(r.rsi, 12);
	assert_int_equal(r.rdi, 112);
	/* A fault on the string operand stops with the error and rcx counting what is left. */
	r = (struct hvm_regs){ .rdi = 250, .rcx = 4, .rflags = 2, .rip = 7 };
	assert_int_equal(run((const uint8_t[]){ 0xf3, 0xab }, 2, 4, &r), -EFAULT);
	assert_int_equal(r.rcx, 3);
	assert_int_equal(r.rip, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_short_input),
		cmocka_unit_test(test_decode_random),
		cmocka_unit_test(test_execute_moves),
		cmocka_unit_test(test_execute_logic_and_flags),
		cmocka_unit_test(test_execute_rep_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
