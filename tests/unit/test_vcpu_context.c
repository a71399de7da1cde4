/*
 * VCPUOP_initialise's decoding of a vcpu_guest_context (hypervisor/arch/x86/pv/vcpu_context.c):
 * a context as Linux's cpu_initialize_context fills it is accepted and decoded field by field;
 * each invalid field on its own is refused; the cs/ss descriptor predicates.
 */
#include "unit.h"
#include <asm/cpu.h>
#include <asm/pv/vcpu.h>
#include <public/arch-x86/xen.h>

#define MXCSR_MASK 0xffffu

static struct vcpu_guest_context ctx;
static struct pv_vcpu_init out;

/* Linux's AP context: RPL-0 selectors, IOPL 1, a trap table, one GDT frame, one L4. */
static void linux_like(struct vcpu_guest_context *c)
{
	unsigned int v;

	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel;
	c->user_regs.rip = 0xffffffff81000000ULL;
	c->user_regs.rsp = 0xffffc90000003f58ULL;
	c->user_regs.rflags = 0x1000;
	c->user_regs.cs = 0x10;
	c->user_regs.ss = 0x18;
	c->user_regs.ds = c->user_regs.es = 0x2b;
	for (v = 0; v < 20; v++) {
		c->trap_ctxt[v].vector = (uint8_t)v;
		c->trap_ctxt[v].flags = v == 3 ? 3 : (v == 14 ? TI_IF_FLAG : 0);
		c->trap_ctxt[v].cs = 0x10;
		c->trap_ctxt[v].address = 0xffffffff81800000ULL + v * 16;
	}
	c->gdt_frames[0] = 0x1234;
	c->gdt_ents = 16;
	c->kernel_ss = 0x18;
	c->kernel_sp = 0xffffc90000004000ULL;
	c->gs_base_kernel = 0xffff88803fc00000ULL;
	c->event_callback_eip = 0xffffffff81a00000ULL;
	c->failsafe_callback_eip = 0xffffffff81a00100ULL;
	c->ctrlreg[3] = 0x5678ULL << 12;
}

static void test_linux_context_decodes(void **state)
{
	linux_like(&ctx);
	assert_int_equal(pv_vcpu_context_decode(&ctx, ~0ULL, MXCSR_MASK, &out), 0);
	assert_int_equal(out.regs.cs, 0x13);
	assert_int_equal(out.regs.ss, 0x1b);
	assert_int_equal(out.kernel_ss, 0x1b);
	assert_int_equal(out.iopl, 1);
	/* IOPL is virtual; IF and the always-one bit are set. */
	assert_int_equal(out.regs.rflags, X86_EFLAGS_IF | X86_EFLAGS_MBS);
	assert_int_equal(out.regs.rip, ctx.user_regs.rip);
	assert_int_equal(out.regs.rsp, ctx.user_regs.rsp);
	assert_true(out.kernel_mode);
	assert_false(out.online);
	assert_false(out.fpu_valid);
	assert_int_equal(out.kernel_l4, 0x5678);
	assert_int_equal(out.user_l4, 0);
	assert_int_equal(out.nr_gdt_frames, 1);
	assert_int_equal(out.gdt_frames[0], 0x1234);
	assert_int_equal(out.gdt_ents, 16);
	assert_int_equal(out.traps[3].dpl, 3);
	assert_false(out.traps[3].mask_events);
	assert_true(out.traps[14].mask_events);
	assert_int_equal(out.traps[14].address, 0xffffffff81800000ULL + 14 * 16);
	assert_int_equal(out.traps[14].cs, FLAT_KERNEL_CS);
	assert_int_equal(out.traps[20].address, 0);
	assert_int_equal(out.event_callback.address, ctx.event_callback_eip);
	assert_true(out.event_callback.mask_events);
	assert_false(out.failsafe_callback.mask_events);
	assert_int_equal(out.gs_base_kernel, ctx.gs_base_kernel);
}

static void test_flags_and_bases(void **state)
{
	uint32_t mxcsr = 0x1f80;

	linux_like(&ctx);
	ctx.flags |= VGCF_online | VGCF_i387_valid | VGCF_failsafe_disables_events |
		     VGCF_syscall_disables_events;
	memcpy(ctx.fpu_ctxt.x + 24, &mxcsr, sizeof(mxcsr));
	ctx.syscall_callback_eip = 0xffffffff81b00000ULL;
	ctx.user_regs.fs = 0x2b; /* a non-null selector: fs_base is dropped, as Xen */
	ctx.fs_base = 0x1000;
	ctx.gs_base_user = 0x2000;
	ctx.ctrlreg[0] = X86_CR0_TS;
	ctx.ctrlreg[1] = 0x9abcULL << 12;
	ctx.user_regs.rflags = ~0ULL; /* only architectural bits survive, VM and IOPL stripped */
	ctx.debugreg[6] = 0xffff0ff0;
	ctx.debugreg[7] = 0x400;
	assert_int_equal(pv_vcpu_context_decode(&ctx, ~0ULL, MXCSR_MASK, &out), 0);
	assert_true(out.online);
	assert_true(out.fpu_valid);
	assert_true(out.fpu_ts);
	assert_true(out.failsafe_callback.mask_events);
	assert_true(out.syscall_callback.mask_events);
	assert_int_equal(out.fs_base, 0);
	assert_int_equal(out.gs_base_user, 0x2000);
	/* The data selectors are kept as given: the first switch to the vCPU loads (or refuses) them. */
	assert_int_equal(out.sel[PV_SEG_DS], 0x2b);
	assert_int_equal(out.sel[PV_SEG_ES], 0x2b);
	assert_int_equal(out.sel[PV_SEG_FS], 0x2b);
	assert_int_equal(out.sel[PV_SEG_GS], 0);
	assert_int_equal(out.user_l4, 0x9abc);
	assert_int_equal(out.iopl, 3);
	assert_int_equal(out.regs.rflags & (X86_EFLAGS_VM | X86_EFLAGS_IOPL), 0);
	assert_int_equal(out.regs.rflags & (1ULL << 22), 0);
	assert_true(out.regs.rflags & X86_EFLAGS_IF);
	/* Out of kernel mode with a user L4 is fine. */
	ctx.flags &= ~(uint64_t)VGCF_in_kernel;
	assert_int_equal(pv_vcpu_context_decode(&ctx, ~0ULL, MXCSR_MASK, &out), 0);
	assert_false(out.kernel_mode);
}

struct bad {
	const char *what;
	void (*spoil)(struct vcpu_guest_context *c);
};

static void s_flag(struct vcpu_guest_context *c)
{
	c->flags |= 1ULL << 8;
}
static void s_rip(struct vcpu_guest_context *c)
{
	c->user_regs.rip = 1ULL << 47;
}
static void s_rip_xen(struct vcpu_guest_context *c)
{
	c->user_regs.rip = 0xffff840000000000ULL;
}
static void s_rsp(struct vcpu_guest_context *c)
{
	c->user_regs.rsp = 1ULL << 50;
}
static void s_ksp(struct vcpu_guest_context *c)
{
	c->kernel_sp = 1ULL << 49;
}
static void s_fs(struct vcpu_guest_context *c)
{
	c->fs_base = 0x8000000000000000ULL;
}
static void s_gsu(struct vcpu_guest_context *c)
{
	c->gs_base_user = 1ULL << 47;
}
static void s_trap(struct vcpu_guest_context *c)
{
	c->trap_ctxt[200].address = 0xffff800000000000ULL;
}
static void s_evt(struct vcpu_guest_context *c)
{
	c->event_callback_eip = 1ULL << 47;
}
static void s_fsafe(struct vcpu_guest_context *c)
{
	c->failsafe_callback_eip = 0xffff870000000000ULL;
}
static void s_sysc(struct vcpu_guest_context *c)
{
	c->syscall_callback_eip = 1ULL << 55;
}
static void s_cs(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 2;
}
static void s_ss(struct vcpu_guest_context *c)
{
	c->user_regs.ss = 0;
}
static void s_kss(struct vcpu_guest_context *c)
{
	c->kernel_ss = 1;
}
static void s_ldt_align(struct vcpu_guest_context *c)
{
	c->ldt_base = 0x10;
}
static void s_ldt_many(struct vcpu_guest_context *c)
{
	c->ldt_ents = 8193;
}
static void s_ldt_wrap(struct vcpu_guest_context *c)
{
	c->ldt_base = 0x00007ffffffff000ULL;
	c->ldt_ents = 1024;
}
static void s_gdt(struct vcpu_guest_context *c)
{
	c->gdt_ents = FIRST_RESERVED_GDT_ENTRY + 1;
}
static void s_cr3_0(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] = 0;
}
static void s_cr3_low(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] |= 1;
}
static void s_cr1_low(struct vcpu_guest_context *c)
{
	c->ctrlreg[1] = 0x800;
}
static void s_user_no_l4(struct vcpu_guest_context *c)
{
	c->flags = 0;
}
static void s_dr0(struct vcpu_guest_context *c)
{
	c->debugreg[3] = 1;
}
static void s_dr6(struct vcpu_guest_context *c)
{
	c->debugreg[6] = 0xffff4ff0;
}
static void s_va(struct vcpu_guest_context *c)
{
	c->vm_assist = 1ULL << 7;
}
static void s_mxcsr(struct vcpu_guest_context *c)
{
	uint32_t m = 0x10000;

	c->flags |= VGCF_i387_valid;
	memcpy(c->fpu_ctxt.x + 24, &m, sizeof(m));
}

static const struct bad bads[] = {
    {"unknown flag", s_flag},
    {"rip", s_rip},
    {"rip in Xen", s_rip_xen},
    {"rsp", s_rsp},
    {"kernel_sp", s_ksp},
    {"fs_base", s_fs},
    {"gs_base_user", s_gsu},
    {"trap in Xen", s_trap},
    {"event cb", s_evt},
    {"failsafe in Xen", s_fsafe},
    {"syscall cb", s_sysc},
    {"null cs", s_cs},
    {"null ss", s_ss},
    {"null kernel_ss", s_kss},
    {"ldt align", s_ldt_align},
    {"ldt ents", s_ldt_many},
    {"ldt into the hole", s_ldt_wrap},
    {"gdt ents", s_gdt},
    {"cr3 0", s_cr3_0},
    {"cr3 low bits", s_cr3_low},
    {"cr1 low bits", s_cr1_low},
    {"user mode, no user L4", s_user_no_l4},
    {"dr3", s_dr0},
    {"dr6", s_dr6},
    {"vm_assist", s_va},
    {"mxcsr", s_mxcsr},
};

static void test_bad_fields_refused(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		linux_like(&ctx);
		bads[i].spoil(&ctx);
		if (pv_vcpu_context_decode(&ctx, 0x3f, MXCSR_MASK, &out) != -EINVAL) {
			fail_msg("%s: accepted", bads[i].what);
		}
	}
}

static void test_selector_descriptors(void **state)
{
	static const struct {
		uint64_t desc;
		bool code, stack;
	} cases[] = {
	    {0x00affb000000ffffULL, true, false},		   /* 64-bit code DPL 3 */
	    {0x00cffb000000ffffULL, false, false},		   /* 32-bit code DPL 3 */
	    {0x00af9b000000ffffULL, false, false},		   /* 64-bit code DPL 0 */
	    {0x002ffb000000ffffULL & ~(1ULL << 47), false, false}, /* not present */
	    {0x00cff3000000ffffULL, false, true},		   /* writable data DPL 3 */
	    {0x00cff1000000ffffULL, false, false},		   /* read-only data DPL 3 */
	    {0x00cf93000000ffffULL, false, false},		   /* writable data DPL 0 */
	    {0x0000e90000000067ULL, false, false},		   /* TSS */
	    {0, false, false},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(pv_code_desc_ok(cases[i].desc), cases[i].code);
		assert_int_equal(pv_stack_desc_ok(cases[i].desc), cases[i].stack);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux_context_decodes),
	    cmocka_unit_test(test_flags_and_bases),
	    cmocka_unit_test(test_bad_fields_refused),
	    cmocka_unit_test(test_selector_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
