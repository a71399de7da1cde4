/*
 * Decoder and executor for the MMIO instruction set (see asm/hvm/emulate.h). Encodings follow the
 * SDM vol. 2 (chapter 2 for prefixes, ModRM and SIB; the opcode map in appendix A).
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/hvm/emulate.h>

#define EFLAGS_CF (1UL << 0)
#define EFLAGS_PF (1UL << 2)
#define EFLAGS_AF (1UL << 4)
#define EFLAGS_ZF (1UL << 6)
#define EFLAGS_SF (1UL << 7)
#define EFLAGS_DF (1UL << 10)
#define EFLAGS_OF (1UL << 11)
#define EFLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)

struct cursor {
	const uint8_t *p;
	size_t avail, pos;
	bool short_input;
};

static uint64_t fetch(struct cursor *c, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	if (c->pos + n > c->avail || c->pos + n > X86_MAX_INSN_LEN) {
		c->short_input = true;
		c->pos += n;
		return 0;
	}
	for (i = 0; i < n; i++) {
		v |= (uint64_t)c->p[c->pos + i] << (8 * i);
	}
	c->pos += n;
	return v;
}

static uint64_t sign_extend(uint64_t v, unsigned int from_bytes)
{
	unsigned int shift = 64 - 8 * from_bytes;

	return from_bytes >= 8 ? v : (uint64_t)((int64_t)(v << shift) >> shift);
}

static uint64_t truncate(uint64_t v, unsigned int bytes)
{
	return bytes >= 8 ? v : v & ((1ULL << (8 * bytes)) - 1);
}

/* Skip a ModRM memory operand's SIB and displacement; false for a register operand. */
static bool skip_modrm_memory(struct cursor *c, uint8_t modrm, unsigned int addr_bytes)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;

	if (mod == 3) {
		return false;
	}
	if (addr_bytes == 2) {
		/* 16-bit addressing (SDM vol. 2, table 2-1): no SIB; rm 6 with mod 0 is disp16. */
		if (mod == 1) {
			fetch(c, 1);
		} else if (mod == 2 || (mod == 0 && rm == 6)) {
			fetch(c, 2);
		}
		return true;
	}
	if (rm == 4) {
		uint8_t sib = (uint8_t)fetch(c, 1);

		if (mod == 0 && (sib & 7) == 5) {
			fetch(c, 4);
		}
	}
	if (mod == 1) {
		fetch(c, 1);
	} else if (mod == 2 || (mod == 0 && rm == 5)) {
		fetch(c, 4);	/* mod 0, rm 5: disp32 (RIP-relative in 64-bit mode) */
	}
	return true;
}

int x86_decode(const uint8_t *bytes, size_t avail, unsigned int mode_bytes, struct x86_insn *out)
{
	struct cursor c = { .p = bytes, .avail = avail };
	bool opsize = false, addrsize = false, rep = false, twobyte = false;
	uint8_t rex = 0, b, modrm = 0;
	unsigned int i, imm_bytes = 0;
	int seg = -1;

	if (mode_bytes != 2 && mode_bytes != 4 && mode_bytes != 8) {
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < X86_MAX_INSN_LEN; i++) {
		b = (uint8_t)fetch(&c, 1);
		if (c.short_input) {
			return -ENODATA;
		}
		if (b == 0x66) {
			opsize = true;
		} else if (b == 0x67) {
			addrsize = true;
		} else if (b == 0xf3 || b == 0xf2) {
			rep = true;
		} else if (b == 0xf0) {
			/* lock: harmless for MMIO emulation (one access at a time) */
		} else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
			seg = (b >> 3) & 3;	/* ES, CS, SS, DS */
		} else if (b == 0x64 || b == 0x65) {
			seg = b == 0x64 ? X86_SEG_FS : X86_SEG_GS;
		} else if (mode_bytes == 8 && (b & 0xf0) == 0x40) {
			rex = b;	/* REX must come last; another prefix after it cancels it */
			b = (uint8_t)fetch(&c, 1);
			if (c.short_input) {
				return -ENODATA;
			}
			if (b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0 ||
			    (b & 0xf0) == 0x40) {
				return -EINVAL;	/* rare and odd: not for MMIO emulation */
			}
			break;
		} else {
			break;
		}
	}
	if (i == X86_MAX_INSN_LEN) {
		return -EINVAL;
	}
	if (b == 0x0f) {
		twobyte = true;
		b = (uint8_t)fetch(&c, 1);
	}

	/* Operand size: REX.W, else 66 toggles 16/32 (16-bit code defaults to 16). */
	if (rex & 8) {
		out->op_bytes = 8;
	} else if (mode_bytes == 2) {
		out->op_bytes = opsize ? 4 : 2;
	} else {
		out->op_bytes = opsize ? 2 : 4;
	}
	if (mode_bytes == 8) {
		out->addr_bytes = addrsize ? 4 : 8;
	} else if (mode_bytes == 4) {
		out->addr_bytes = addrsize ? 2 : 4;
	} else {
		out->addr_bytes = addrsize ? 4 : 2;
	}
	out->seg = seg >= 0 ? (uint8_t)seg : X86_SEG_DS;

	if (twobyte) {
		switch (b) {
		case 0xb6: case 0xb7: case 0xbe: case 0xbf:
			out->op = b & 8 ? X86_OP_MOVSX : X86_OP_MOVZX;
			out->src_bytes = b & 1 ? 2 : 1;
			break;
		default:
			return c.short_input ? -ENODATA : -EINVAL;
		}
		goto modrm;
	}

	switch (b) {
	case 0x88: case 0x89:
		out->op = X86_OP_MOV_STORE;
		break;
	case 0x8a: case 0x8b:
		out->op = X86_OP_MOV_LOAD;
		break;
	case 0x20: case 0x21: case 0x08: case 0x09: case 0x30: case 0x31:
		out->op = X86_OP_ALU_STORE;
		break;
	case 0x22: case 0x23: case 0x0a: case 0x0b: case 0x32: case 0x33:
		out->op = X86_OP_ALU_LOAD;
		break;
	case 0x84: case 0x85:
		out->op = X86_OP_TEST;
		break;
	case 0xc6: case 0xc7:
		out->op = X86_OP_MOV_STORE_IMM;
		break;
	case 0x80: case 0x81: case 0x83:
		out->op = X86_OP_ALU_STORE_IMM;
		break;
	case 0xf6: case 0xf7:
		out->op = X86_OP_TEST_IMM;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* mov al/eax <-> moffs: the offset has the address size */
		out->op = b & 2 ? X86_OP_MOV_STORE : X86_OP_MOV_LOAD;
		if (!(b & 1)) {
			out->op_bytes = 1;
		}
		out->reg = 0;
		fetch(&c, out->addr_bytes);
		goto done;
	case 0xaa: case 0xab: case 0xa4: case 0xa5:
		out->op = b >= 0xaa ? X86_OP_STOS : X86_OP_MOVS;
		if (!(b & 1)) {
			out->op_bytes = 1;
		}
		out->rep = rep;
		goto done;
	default:
		return c.short_input ? -ENODATA : -EINVAL;
	}
	/* Byte forms have an even opcode in these rows (88, 8a, 08, 20, 84, c6, 80, f6, ...). */
	if (!(b & 1)) {
		out->op_bytes = 1;
	}
	switch (b & 0xf8) {
	case 0x20:
		out->alu = X86_ALU_AND;
		break;
	case 0x08:
		out->alu = X86_ALU_OR;
		break;
	case 0x30:
		out->alu = X86_ALU_XOR;
		break;
	default:
		break;
	}

modrm:
	modrm = (uint8_t)fetch(&c, 1);
	if (c.short_input) {
		return -ENODATA;
	}
	out->reg = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	if (!skip_modrm_memory(&c, modrm, out->addr_bytes)) {
		return -EINVAL;	/* a register operand never exits for MMIO */
	}
	switch (b) {
	case 0xc6: case 0xc7:
		if ((modrm >> 3) & 7) {
			return -EINVAL;
		}
		imm_bytes = out->op_bytes == 8 ? 4 : out->op_bytes;
		break;
	case 0x80: case 0x81: case 0x83:
		switch ((modrm >> 3) & 7) {
		case 1: out->alu = X86_ALU_OR; break;
		case 4: out->alu = X86_ALU_AND; break;
		case 6: out->alu = X86_ALU_XOR; break;
		default: return -EINVAL;	/* add/adc/sbb/sub/cmp: not supported */
		}
		imm_bytes = b == 0x83 ? 1 : (out->op_bytes == 8 ? 4 : out->op_bytes);
		break;
	case 0xf6: case 0xf7:
		if ((modrm >> 3) & 7) {
			return -EINVAL;	/* only test (/0) */
		}
		imm_bytes = out->op_bytes == 8 ? 4 : out->op_bytes;
		break;
	default:
		break;
	}
	if (imm_bytes) {
		out->imm = truncate(sign_extend(fetch(&c, imm_bytes), imm_bytes), out->op_bytes);
	}
	/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
	if (out->op_bytes == 1 && !rex && out->reg >= 4 && out->op != X86_OP_MOVZX &&
	    out->op != X86_OP_MOVSX) {
		out->reg_high8 = true;
	}
	if ((out->op == X86_OP_MOVZX || out->op == X86_OP_MOVSX) && out->op_bytes == 1) {
		return -EINVAL;
	}

done:
	if (c.short_input) {
		return -ENODATA;
	}
	out->len = (uint8_t)c.pos;
	return 0;
}

static uint64_t *gpr(struct hvm_regs *r, unsigned int n)
{
	uint64_t *const regs[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
				     &r->rsi, &r->rdi, &r->r8,	&r->r9,	 &r->r10, &r->r11,
				     &r->r12, &r->r13, &r->r14, &r->r15 };

	return regs[n & 15];
}

static uint64_t reg_read(struct hvm_regs *r, unsigned int n, bool high8, unsigned int bytes)
{
	if (high8) {
		return (*gpr(r, n - 4) >> 8) & 0xff;
	}
	return truncate(*gpr(r, n), bytes);
}

/* Register writes: 32-bit results zero-extend; 8- and 16-bit ones keep the upper bits. */
static void reg_write(struct hvm_regs *r, unsigned int n, bool high8, unsigned int bytes,
		      uint64_t v)
{
	uint64_t *p;

	if (high8) {
		p = gpr(r, n - 4);
		*p = (*p & ~0xff00ULL) | ((v & 0xff) << 8);
		return;
	}
	p = gpr(r, n);
	if (bytes >= 4) {
		*p = truncate(v, bytes);
	} else {
		uint64_t mask = (1ULL << (8 * bytes)) - 1;

		*p = (*p & ~mask) | (v & mask);
	}
}

/* Flags of a logical operation: CF and OF clear, SF/ZF/PF from the result, AF left undefined (0). */
static void logic_flags(struct hvm_regs *r, uint64_t result, unsigned int bytes)
{
	uint64_t f = r->rflags & ~EFLAGS_ARITH;
	uint8_t low = (uint8_t)result;

	result = truncate(result, bytes);
	if (!result) {
		f |= EFLAGS_ZF;
	}
	if (result >> (8 * bytes - 1)) {
		f |= EFLAGS_SF;
	}
	low ^= low >> 4;
	low ^= low >> 2;
	low ^= low >> 1;
	if (!(low & 1)) {
		f |= EFLAGS_PF;
	}
	r->rflags = f;
}

static uint64_t alu(enum x86_alu op, uint64_t a, uint64_t b)
{
	switch (op) {
	case X86_ALU_AND: return a & b;
	case X86_ALU_OR: return a | b;
	default: return a ^ b;
	}
}

static int mem_read(struct x86_emul *e, unsigned int seg, uint64_t off, uint64_t *v,
		    unsigned int bytes)
{
	*v = 0;
	return e->mem(e->ctx, seg, off, v, bytes, false);
}

static int mem_write(struct x86_emul *e, unsigned int seg, uint64_t off, uint64_t v,
		     unsigned int bytes)
{
	return e->mem(e->ctx, seg, off, &v, bytes, true);
}

static int string_op(const struct x86_insn *in, struct x86_emul *e)
{
	struct hvm_regs *r = e->regs;
	uint64_t amask = in->addr_bytes >= 8 ? ~0ULL : (1ULL << (8 * in->addr_bytes)) - 1;
	int64_t step = r->rflags & EFLAGS_DF ? -(int64_t)in->op_bytes : in->op_bytes;
	uint64_t count = in->rep ? r->rcx & amask : 1, done;
	int rc = 0;

	for (done = 0; done < count && done < e->max_reps; done++) {
		uint64_t v = r->rax, di = r->rdi & amask;

		if (in->op == X86_OP_MOVS) {
			rc = mem_read(e, in->seg, r->rsi & amask, &v, in->op_bytes);
			if (rc) {
				break;
			}
		}
		rc = mem_write(e, X86_SEG_ES, di, v, in->op_bytes);
		if (rc) {
			break;
		}
		r->rdi = (r->rdi & ~amask) | ((di + (uint64_t)step) & amask);
		if (in->op == X86_OP_MOVS) {
			r->rsi = (r->rsi & ~amask) | (((r->rsi & amask) + (uint64_t)step) & amask);
		}
	}
	if (in->rep) {
		r->rcx = (r->rcx & ~amask) | ((count - done) & amask);
	}
	if (rc) {
		return rc;
	}
	if (done == count) {
		r->rip += in->len;
	}
	return 0;
}

int x86_execute(const struct x86_insn *in, struct x86_emul *e)
{
	struct hvm_regs *r = e->regs;
	unsigned int n = in->op_bytes;
	uint64_t m, v;
	int rc = 0;

	switch (in->op) {
	case X86_OP_MOV_STORE:
		rc = mem_write(e, X86_MEM_OPERAND, 0, reg_read(r, in->reg, in->reg_high8, n), n);
		break;
	case X86_OP_MOV_STORE_IMM:
		rc = mem_write(e, X86_MEM_OPERAND, 0, in->imm, n);
		break;
	case X86_OP_MOV_LOAD:
		rc = mem_read(e, X86_MEM_OPERAND, 0, &m, n);
		if (!rc) {
			reg_write(r, in->reg, in->reg_high8, n, m);
		}
		break;
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
		rc = mem_read(e, X86_MEM_OPERAND, 0, &m, in->src_bytes);
		if (!rc) {
			if (in->op == X86_OP_MOVSX) {
				m = sign_extend(m, in->src_bytes);
			}
			reg_write(r, in->reg, false, n, truncate(m, n));
		}
		break;
	case X86_OP_ALU_STORE:
	case X86_OP_ALU_STORE_IMM:
		rc = mem_read(e, X86_MEM_OPERAND, 0, &m, n);
		if (!rc) {
			v = in->op == X86_OP_ALU_STORE ? reg_read(r, in->reg, in->reg_high8, n) : in->imm;
			v = truncate(alu(in->alu, m, v), n);
			rc = mem_write(e, X86_MEM_OPERAND, 0, v, n);
			if (!rc) {
				logic_flags(r, v, n);
			}
		}
		break;
	case X86_OP_ALU_LOAD:
		rc = mem_read(e, X86_MEM_OPERAND, 0, &m, n);
		if (!rc) {
			v = truncate(alu(in->alu, reg_read(r, in->reg, in->reg_high8, n), m), n);
			reg_write(r, in->reg, in->reg_high8, n, v);
			logic_flags(r, v, n);
		}
		break;
	case X86_OP_TEST:
	case X86_OP_TEST_IMM:
		rc = mem_read(e, X86_MEM_OPERAND, 0, &m, n);
		if (!rc) {
			v = in->op == X86_OP_TEST ? reg_read(r, in->reg, in->reg_high8, n) : in->imm;
			logic_flags(r, m & v, n);
		}
		break;
	case X86_OP_STOS:
	case X86_OP_MOVS:
		return string_op(in, e);
	}
	if (!rc) {
		r->rip += in->len;
	}
	return rc;
}
