/*
 * Secondary PV vCPUs: VCPUOP_initialise's vcpu_guest_context, decoded and checked, then applied.
 *
 * Decode (pv_vcpu_context_decode, portable, host-tested) checks every field that needs no
 * hypervisor state and turns the context into the state Argon keeps per vCPU. Acquire
 * (pv_vcpu_initialise) takes the references the new state needs — the GDT frames as descriptor
 * pages, the kernel and user root page tables as L4s, the LDT's pages as MMUEXT_SET_LDT takes
 * them — and checks the code and stack selectors against the GDT that is then fixed. Only when every step has succeeded is the vCPU changed; on
 * any error the references taken so far are dropped and the vCPU is left as it was.
 */
#ifndef ASM_PV_VCPU_H
#define ASM_PV_VCPU_H

#include <argon/types.h>
#include <asm/domain.h>
#include <asm/regs.h>
#include <public/arch-x86/xen.h>
#include <public/xen.h>

struct vcpu;

/** The GDT frames a vCPU may have (the guest part of the GDT, below FIRST_RESERVED_GDT_ENTRY). */
#define PV_MAX_GDT_FRAMES FIRST_RESERVED_GDT_PAGE

/** The context flags Argon accepts (the others are refused). */
#define PV_VGCF_KNOWN                                                                              \
	(VGCF_i387_valid | VGCF_in_kernel | VGCF_failsafe_disables_events |                        \
	 VGCF_syscall_disables_events | VGCF_online)

/**
 * The vm_assist bits a 64-bit PV context may name (Xen's VM_ASSIST_VALID for PV; the same set as
 * the vm_assist hypercall's in pv/mm_hypercall.c).
 */
#define PV_VM_ASSIST_VALID                                                                         \
	((1ULL << VMASST_TYPE_4gb_segments) | (1ULL << VMASST_TYPE_4gb_segments_notify) |          \
	 (1ULL << VMASST_TYPE_writable_pagetables) | (1ULL << VMASST_TYPE_pae_extended_cr3) |      \
	 (1ULL << VMASST_TYPE_architectural_iopl) | (1ULL << VMASST_TYPE_runstate_update_flag) |   \
	 (1ULL << VMASST_TYPE_m2p_strict))

/** A vcpu_guest_context after decoding: everything checked that needs no hypervisor state. */
struct pv_vcpu_init {
	struct cpu_regs regs;	   /* guest registers; cs/ss with RPL 3, rflags cleaned */
	struct pv_trap traps[256]; /* trap_ctxt, indexed by vector */
	struct pv_callback event_callback, failsafe_callback, syscall_callback;
	uint64_t kernel_ss, kernel_sp;
	uint64_t fs_base, gs_base_kernel, gs_base_user;
	uint16_t sel[PV_NR_DATA_SEGS]; /* ds, es, fs, gs: loaded (or refused) when it first runs */
	uint64_t ldt_base;
	uint32_t ldt_ents;
	uint32_t iopl;	  /* from rflags.IOPL */
	bool kernel_mode; /* VGCF_in_kernel */
	bool online;	  /* VGCF_online: up at once */
	bool fpu_valid;	  /* VGCF_i387_valid: use fpu, else a fresh FPU */
	bool fpu_ts;	  /* ctrlreg[0].TS */
	uint64_t gdt_frames[PV_MAX_GDT_FRAMES];
	unsigned int nr_gdt_frames, gdt_ents;
	uint64_t kernel_l4, user_l4; /* MFNs from ctrlreg[3] and ctrlreg[1] (0: none) */
	uint8_t fpu[512] __attribute__((__aligned__(16)));
};

/**
 * Decode and check @c for a 64-bit PV vCPU (Xen's arch_set_info_guest rules, stricter where
 * Argon does not implement a field): known flags only; canonical rip, rsp, kernel_sp, bases and
 * callbacks, none of them (nor a trap handler) in the hypervisor window; cs, ss and kernel_ss
 * get RPL 3 (null refused); ldt_base page aligned with at most 8192 entries in guest space;
 * gdt_ents at most FIRST_RESERVED_GDT_ENTRY; ctrlreg[3] (required) and ctrlreg[1] frame-aligned,
 * a user L4 required outside kernel mode; debug registers at their reset values; vm_assist only
 * bits in @vm_assist_valid; with VGCF_i387_valid, MXCSR within @mxcsr_mask. Returns 0 and fills
 * @out, or -EINVAL.
 */
int pv_vcpu_context_decode(const struct vcpu_guest_context *c, uint64_t vm_assist_valid,
			   uint32_t mxcsr_mask, struct pv_vcpu_init *out);

/** True if @desc may be loaded as a 64-bit PV guest's CS: present, 64-bit code, DPL 3. */
bool pv_code_desc_ok(uint64_t desc);

/** True if @desc may be loaded as a 64-bit PV guest's SS: present, writable data, DPL 3. */
bool pv_stack_desc_ok(uint64_t desc);

/**
 * VCPUOP_initialise for offline, never-initialised vCPU @v of the calling domain with the decoded
 * context @in: take the GDT and root page-table references, check cs/ss against the GDT, then
 * install everything. Returns 0, -EINVAL (a frame or selector refused), -EPERM (a frame not the
 * domain's) or -ERESTART (page-table validation yielded: nothing changed, re-issue).
 */
int pv_vcpu_initialise(struct vcpu *v, const struct pv_vcpu_init *in);

/** The MXCSR bits the FPU accepts (FXSAVE's MXCSR_MASK, SDM vol. 1, 11.6.6). */
uint32_t pv_mxcsr_mask(void);

/** Give @v the FXSAVE image @image, or a freshly initialised FPU if @image is NULL. */
void pv_vcpu_set_fpu(struct vcpu *v, const uint8_t *image);

#endif
