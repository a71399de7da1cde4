/*
 * Nested page faults: a guest-physical address outside guest RAM is either an emulated device
 * (the local APIC or IO-APIC page) or nothing, which crashes the domain. An emulated access is carried out by
 * decoding the instruction at rip (no decode assists are assumed: QEMU TCG has none) and running it
 * against the device through the executor in emulate.c.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/hvm/emulate.h>
#include <asm/hvm/hvm.h>

struct mmio_ctx {
	struct vcpu *v;
	uint64_t gpa;		/* the access that exited */
};

/* Local APIC registers are 32 bits wide at 16-byte spacing; narrower accesses read a part. */
static int lapic_mmio(struct vcpu *v, uint64_t gpa, void *val, unsigned int size, bool write)
{
	uint32_t off = (uint32_t)(gpa - VLAPIC_BASE), reg, shift = (off & 3) * 8;

	if ((off & 3) + size > 4) {
		return -EINVAL;
	}
	if (write) {
		memcpy(&reg, val, 4);
		reg <<= shift;
		if (size != 4 || !vlapic_access(v, off & ~3u, true, &reg)) {
			hvm_log(v, "local APIC write of %u bytes at %#x ignored\n", size, off);
		}
		return 0;
	}
	if (!vlapic_access(v, off & ~3u, false, &reg)) {
		hvm_log(v, "local APIC read at %#x: unknown register\n", off);
		reg = 0;
	}
	reg >>= shift;
	memcpy(val, &reg, size);
	return 0;
}

/* The IO-APIC takes aligned 32-bit accesses; anything else is ignored (reads: zero). */
static int ioapic_mmio(struct vcpu *v, uint64_t gpa, void *val, unsigned int size, bool write)
{
	uint32_t off = (uint32_t)(gpa - VIOAPIC_BASE), reg = 0;

	if (size != 4 || (off & 3)) {
		hvm_log(v, "IO-APIC access of %u bytes at %#x ignored\n", size, off);
		if (!write) {
			memset(val, 0, size);
		}
		return 0;
	}
	if (write) {
		memcpy(&reg, val, 4);
	}
	vioapic_mmio(&v->domain->arch.hvm->ioapic, off, write, &reg);
	if (!write) {
		memcpy(val, &reg, 4);
	}
	return 0;
}

/* True if an emulated device claims guest-physical address @gpa. */
static bool mmio_claims(uint64_t gpa)
{
	return (gpa >= VLAPIC_BASE && gpa < VLAPIC_BASE + VLAPIC_SIZE) ||
	       (gpa >= VIOAPIC_BASE && gpa < VIOAPIC_BASE + VIOAPIC_SIZE);
}

static int mmio_access(struct vcpu *v, uint64_t gpa, void *val, unsigned int size, bool write)
{
	if (gpa >= VLAPIC_BASE && gpa + size <= VLAPIC_BASE + VLAPIC_SIZE) {
		return lapic_mmio(v, gpa, val, size, write);
	}
	if (gpa >= VIOAPIC_BASE && gpa + size <= VIOAPIC_BASE + VIOAPIC_SIZE) {
		return ioapic_mmio(v, gpa, val, size, write);
	}
	return -EFAULT;
}

/* Memory callback of the executor: the exiting operand is MMIO; string operands may be RAM. */
static int emul_mem(void *opaque, unsigned int seg, uint64_t offset, void *val, unsigned int size,
		    bool write)
{
	struct mmio_ctx *c = opaque;
	struct hvm_segment s;
	uint64_t la, gpa;
	uint32_t ec;

	if (seg == X86_MEM_OPERAND) {
		return mmio_access(c->v, c->gpa, val, size, write);
	}
	hvm_ops->get_segment(c->v, (enum hvm_seg)seg, &s);
	la = offset + (hvm_code_bytes(c->v) == 8 && seg != X86_SEG_FS && seg != X86_SEG_GS ? 0 : s.base);
	if (hvm_translate(c->v, la, write, &gpa, &ec)) {
		return -EFAULT;
	}
	if (mmio_claims(gpa)) {
		return mmio_access(c->v, gpa, val, size, write);
	}
	return write ? hvm_copy_to_gpa(c->v->domain, gpa, val, size)
		     : hvm_copy_from_gpa(c->v->domain, val, gpa, size);
}

bool hvm_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	struct hvm_regs *r = &v->arch.hvm->regs;
	struct mmio_ctx c = { .v = v, .gpa = gpa };
	struct x86_emul e = { .regs = r, .mem = emul_mem, .ctx = &c, .max_reps = 256 };
	uint8_t insn[X86_MAX_INSN_LEN];
	struct hvm_segment cs;
	struct x86_insn in;
	uint64_t la;
	size_t got;
	unsigned int mode = hvm_code_bytes(v);
	int rc;

	hvm_ops->get_segment(v, HVM_SEG_CS, &cs);
	la = mode == 8 ? r->rip : (cs.base + r->rip) & 0xffffffffUL;
	/* Fetch 15 bytes, or up to the end of the page when the next one is not mapped. */
	memset(insn, 0, sizeof(insn));
	got = sizeof(insn);
	if (hvm_copy_from_guest_linear(v, insn, la, got)) {
		got = MIN(sizeof(insn), PAGE_SIZE - (la & (PAGE_SIZE - 1)));
		if (hvm_copy_from_guest_linear(v, insn, la, got)) {
			got = 0;
		}
	}
	rc = got ? x86_decode(insn, got, mode, &in) : -EFAULT;
	if (rc) {
		hvm_crash(v, "cannot decode the MMIO instruction at %#llx (%02x %02x %02x %02x; %d)",
			  (unsigned long long)la, insn[0], insn[1], insn[2], insn[3], rc);
		return false;
	}
	rc = x86_execute(&in, &e);
	if (rc) {
		hvm_crash(v, "MMIO access at %#llx failed (%d)", (unsigned long long)gpa, rc);
		return false;
	}
	if (mode != 8) {
		r->rip &= 0xffffffffUL;
	}
	return true;
}

void hvm_handle_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	mfn_t m;

	if (hvm_gfn_to_mfn(v->domain, gpa >> PAGE_SHIFT, &m)) {
		/* RAM is mapped with every right: a fault there is a bug in the nested tables. */
		hvm_crash(v, "nested page fault on RAM at %#llx", (unsigned long long)gpa);
		return;
	}
	if (!mmio_claims(gpa)) {
		hvm_crash(v, "%s of unmapped guest-physical address %#llx", write ? "write" : "read",
			  (unsigned long long)gpa);
		return;
	}
	hvm_emulate_mmio(v, gpa);
}
