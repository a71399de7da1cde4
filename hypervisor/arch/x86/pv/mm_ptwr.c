/*
 * Writable page tables: a PV kernel stores straight into its own L1 tables, which are mapped
 * read-only, and Linux relies on the hypervisor catching the write fault, checking the new entry
 * as mmu_update would, performing it and stepping past the instruction (Xen: pv/ro-page-fault.c).
 *
 * Only the instruction forms compilers and Linux's PTE helpers produce are decoded: mov to memory
 * (88/89, C6/C7 /0), xchg (86/87), cmpxchg (0F B0/B1), the bit operations bts/btr/btc with an
 * immediate (0F BA /5-/7) and and/or to memory (08/09, 20/21, 80/81/83 /1 /4), each with optional
 * lock, operand-size, segment and REX prefixes. The operand address is the fault address, so
 * ModRM/SIB only need decoding for the instruction length. Anything else is not emulated and the
 * fault goes back to the guest. Portable: tests/unit runs it over fake memory.
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/lib.h>
#include <asm/pv/mm.h>
#include <asm/regs.h>

/* Page-fault error code bits (SDM vol. 3, 4.7). */
#define PFEC_PRESENT (1U << 0)
#define PFEC_WRITE (1U << 1)
#define PFEC_RSVD (1U << 3)
#define PFEC_INSN (1U << 4)

/* RFLAGS arithmetic flags. */
#define FL_CF (1UL << 0)
#define FL_PF (1UL << 2)
#define FL_AF (1UL << 4)
#define FL_ZF (1UL << 6)
#define FL_SF (1UL << 7)
#define FL_OF (1UL << 11)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* Consume a ModRM memory operand (and SIB/displacement) at @p; -1 for a register operand. */
static int modrm_len(const uint8_t *p, unsigned int avail, unsigned int *reg)
{
	unsigned int mod, rm, len = 1;

	if (avail < 1) {
		return -1;
	}
	mod = p[0] >> 6;
	rm = p[0] & 7;
	*reg = (p[0] >> 3) & 7;
	if (mod == 3) {
		return -1;
	}
	if (rm == 4) {
		if (avail < 2) {
			return -1;
		}
		len++;
		if (mod == 0 && (p[1] & 7) == 5) {
			len += 4;
		}
	} else if (mod == 0 && rm == 5) {
		len += 4;	/* RIP-relative */
	}
	len += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return len <= avail ? (int)len : -1;
}

int ptwr_decode(const uint8_t *insn, unsigned int avail, struct ptwr_op *op)
{
	unsigned int i = 0, rex = 0, opsize = 4, reg, imm_size = 0, opc;
	bool two_byte = false;
	int m;

	memset(op, 0, sizeof(*op));
	for (; i < avail; i++) {
		uint8_t b = insn[i];

		if (b == 0x66) {
			opsize = 2;
		} else if (b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 ||
			   b == 0x64 || b == 0x65 || b == 0x67) {
			/* lock, segment overrides (CR2 already holds the linear address), address size */
		} else {
			break;
		}
	}
	if (i < avail && (insn[i] & 0xf0) == 0x40) {
		rex = insn[i++];
	}
	if (rex & 8) {
		opsize = 8;
	}
	if (i >= avail) {
		return -EINVAL;
	}
	opc = insn[i++];
	if (opc == 0x0f) {
		if (i >= avail) {
			return -EINVAL;
		}
		two_byte = true;
		opc = insn[i++];
	}
	m = modrm_len(insn + i, avail - i, &reg);
	if (m < 0) {
		return -EINVAL;
	}
	op->size = opsize;
	op->reg = reg | ((rex & 4) ? 8 : 0);
	op->src_is_reg = true;
	op->byte_reg_high = !rex && reg >= 4;
	if (two_byte) {
		switch (opc) {
		case 0xb0:
		case 0xb1:
			op->kind = PTWR_CMPXCHG;
			op->size = opc == 0xb0 ? 1 : opsize;
			break;
		case 0xba:
			if (reg < 5) {
				return -EINVAL;	/* /4 is bt: no write */
			}
			op->kind = reg == 5 ? PTWR_BTS : reg == 6 ? PTWR_BTR : PTWR_BTC;
			op->src_is_reg = false;
			imm_size = 1;
			break;
		default:
			return -EINVAL;
		}
	} else {
		switch (opc) {
		case 0x88:
		case 0x89:
			op->kind = PTWR_MOV;
			break;
		case 0x86:
		case 0x87:
			op->kind = PTWR_XCHG;
			break;
		case 0x08:
		case 0x09:
			op->kind = PTWR_OR;
			break;
		case 0x20:
		case 0x21:
			op->kind = PTWR_AND;
			break;
		case 0xc6:
		case 0xc7:
			if (reg != 0) {
				return -EINVAL;
			}
			op->kind = PTWR_MOV;
			op->src_is_reg = false;
			imm_size = opc == 0xc6 ? 1 : opsize == 2 ? 2 : 4;
			break;
		case 0x80:
		case 0x81:
		case 0x83:
			if (reg != 1 && reg != 4) {
				return -EINVAL;
			}
			op->kind = reg == 1 ? PTWR_OR : PTWR_AND;
			op->src_is_reg = false;
			imm_size = opc == 0x81 ? (opsize == 2 ? 2 : 4) : 1;
			break;
		default:
			return -EINVAL;
		}
		if (!(opc & 1) && opc != 0x80 && opc != 0x82) {
			op->size = 1;	/* the byte forms: 08 20 86 88 c6 */
		}
		if (opc == 0x80) {
			op->size = 1;
		}
	}
	if (op->size != 1) {
		op->byte_reg_high = false;
	}
	i += (unsigned int)m;
	if (imm_size) {
		uint64_t imm = 0;
		unsigned int k;

		if (i + imm_size > avail) {
			return -EINVAL;
		}
		for (k = 0; k < imm_size; k++) {
			imm |= (uint64_t)insn[i + k] << (8 * k);
		}
		/* Immediates are sign-extended to the operand size (SDM vol. 2, 2.2.1.5). */
		if (imm_size < 8 && (imm >> (imm_size * 8 - 1)) & 1) {
			imm |= ~0ULL << (imm_size * 8);
		}
		op->imm = imm;
		i += imm_size;
	}
	op->len = i;
	return 0;
}

/* The register with index @n (ModRM order: rax rcx rdx rbx rsp rbp rsi rdi r8-r15). */
static uint64_t *reg_ptr(struct cpu_regs *r, unsigned int n)
{
	uint64_t *const regs[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
				     &r->rsi, &r->rdi, &r->r8,	&r->r9,	 &r->r10, &r->r11,
				     &r->r12, &r->r13, &r->r14, &r->r15 };

	return regs[n & 15];
}

static uint64_t read_reg(struct cpu_regs *r, const struct ptwr_op *op, unsigned int n)
{
	uint64_t v = *reg_ptr(r, op->byte_reg_high ? n - 4 : n);

	return (op->byte_reg_high ? v >> 8 : v) & size_mask(op->size);
}

/* Write a sized result into register @n: 32-bit results zero-extend, 8/16-bit ones merge. */
static void write_reg(struct cpu_regs *r, const struct ptwr_op *op, unsigned int n, uint64_t v)
{
	uint64_t *p = reg_ptr(r, op->byte_reg_high ? n - 4 : n);
	unsigned int shift = op->byte_reg_high ? 8 : 0;

	if (op->size >= 4) {
		*p = v & size_mask(op->size);
	} else {
		*p = (*p & ~(size_mask(op->size) << shift)) | ((v & size_mask(op->size)) << shift);
	}
}

static bool parity_even(uint64_t v)
{
	return !__builtin_parity((unsigned int)(v & 0xff));
}

/* The flags of a logical result (and, or): CF = OF = 0 (SDM vol. 2, AND/OR). */
static uint64_t logic_flags(uint64_t res, unsigned int size)
{
	uint64_t f = 0;

	res &= size_mask(size);
	f |= res ? 0 : FL_ZF;
	f |= (res >> (size * 8 - 1)) & 1 ? FL_SF : 0;
	f |= parity_even(res) ? FL_PF : 0;
	return f;
}

/* The flags of cmp @a, @b (a - b), as cmpxchg sets them. */
static uint64_t sub_flags(uint64_t a, uint64_t b, unsigned int size)
{
	uint64_t m = size_mask(size), res = (a - b) & m, f = logic_flags(res, size);
	unsigned int top = size * 8 - 1;

	f |= (a & m) < (b & m) ? FL_CF : 0;
	f |= (((a ^ b) & (a ^ res)) >> top) & 1 ? FL_OF : 0;
	f |= ((a ^ b ^ res) & 0x10) ? FL_AF : 0;
	return f;
}

/* Fetch up to 15 instruction bytes at @rip; returns how many could be read. */
static unsigned int fetch_insn(uint64_t rip, uint8_t *buf)
{
	unsigned int n;

	if (!copy_from_guest(buf, rip, 15)) {
		return 15;
	}
	/* The instruction may end just before an unmapped page: take what is there. */
	for (n = 0; n < 15 && !copy_from_guest(buf + n, rip + n, 1); n++) {
	}
	return n;
}

bool pv_ptwr_fault(struct cpu_regs *regs, uint64_t addr)
{
	struct vcpu *v = current_vcpu();
	struct domain *d;
	struct page_info *pg;
	struct ptwr_op op;
	uint8_t insn[15];
	uint64_t *table, cur, part, src, res, flags = 0, mask;
	unsigned int idx, shift, avail;
	bool write = true;
	mfn_t l1, target;

	if (!v || !v->arch.kernel_mode ||
	    (regs->error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_RSVD | PFEC_INSN)) !=
		    (PFEC_PRESENT | PFEC_WRITE)) {
		return false;
	}
	d = v->domain;

	/* Is @addr a read-only mapping of one of the domain's L1 tables in use? */
	spin_lock(&d->arch.mm_lock);
	if (pv_find_l1e(d, v->arch.guest_table, addr, &l1, &idx)) {
		goto no;
	}
	cur = ((const uint64_t *)arch_mfn_to_virt(l1))[idx];
	target = _mfn((cur & PTE_ADDR_MASK) >> PAGE_SHIFT);
	pg = pv_mfn_to_page(target);
	if (!(cur & _PAGE_PRESENT) || (cur & _PAGE_RW) || !pg || pg->owner != d->domain_id ||
	    (pg->type_info & PGT_TYPE_MASK) != PGT_L1 || !(pg->type_info & PGT_VALIDATED)) {
		goto no;
	}
	spin_unlock(&d->arch.mm_lock);

	avail = fetch_insn(regs->rip, insn);
	if (ptwr_decode(insn, avail, &op)) {
		return false;
	}
	/* Naturally aligned, inside one entry; sub-entry writes are widened to the whole entry. */
	if (addr & (op.size - 1)) {
		return false;
	}
	idx = (unsigned int)((addr & (PAGE_SIZE - 1)) >> 3);
	shift = (unsigned int)(addr & 7) * 8;
	mask = size_mask(op.size);
	table = arch_mfn_to_virt(target);
	cur = READ_ONCE(table[idx]);
	part = (cur >> shift) & mask;
	src = op.src_is_reg ? read_reg(regs, &op, op.reg) : op.imm & mask;

	switch (op.kind) {
	case PTWR_MOV:
	case PTWR_XCHG:
		res = src;
		break;
	case PTWR_CMPXCHG:
		flags = sub_flags(read_reg(regs, &(struct ptwr_op){ .size = op.size }, 0), part,
				  op.size);
		write = flags & FL_ZF;
		res = src;
		break;
	case PTWR_OR:
		res = part | src;
		flags = logic_flags(res, op.size);
		break;
	case PTWR_AND:
		res = part & src;
		flags = logic_flags(res, op.size);
		break;
	default: {
		/* bts/btr/btc: CF = the old bit; the immediate bit offset wraps at the operand size. */
		unsigned int bit = (unsigned int)(op.imm & (op.size * 8 - 1));

		flags = (part >> bit) & 1 ? FL_CF : 0;
		res = op.kind == PTWR_BTS ? part | (1ULL << bit) :
		      op.kind == PTWR_BTR ? part & ~(1ULL << bit) : part ^ (1ULL << bit);
		break;
	}
	}
	if (write && pv_mod_entry(v, target, idx, (cur & ~(mask << shift)) | ((res & mask) << shift),
				  false, false)) {
		return false;
	}
	if (op.kind == PTWR_XCHG) {
		write_reg(regs, &op, op.reg, part);
	} else if (op.kind == PTWR_CMPXCHG && !write) {
		struct ptwr_op acc = { .size = op.size };

		write_reg(regs, &acc, 0, part);
	}
	if (op.kind != PTWR_MOV && op.kind != PTWR_XCHG) {
		uint64_t touched = op.kind == PTWR_CMPXCHG || op.kind == PTWR_OR ||
						   op.kind == PTWR_AND ?
					   FL_ARITH :
					   FL_CF;

		regs->rflags = (regs->rflags & ~touched) | (flags & touched);
	}
	regs->rip += op.len;
	d->arch.stats.ptwr++;
	return true;
no:
	spin_unlock(&d->arch.mm_lock);
	return false;
}
