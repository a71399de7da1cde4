/*
 * AMD SVM: the VMCB layout, intercept bits and exit codes (AMD64 APM vol. 2, appendix B and
 * section 15). Only arch/x86/hvm/svm/ includes this; generic code sees struct hvm_vendor_ops.
 */
#ifndef ASM_HVM_SVM_H
#define ASM_HVM_SVM_H

#include <argon/types.h>

/* CPUID 0x80000001 ECX and 0x8000000A EDX (APM vol. 3, appendix E.4.1 and E.4.9). */
#define CPUIDX1_ECX_SVM (1U << 2)
#define SVM_FEAT_NPT (1U << 0)
#define SVM_FEAT_LBRV (1U << 1)
#define SVM_FEAT_SVML (1U << 2)
#define SVM_FEAT_NRIPS (1U << 3)
#define SVM_FEAT_TSC_RATE (1U << 4)
#define SVM_FEAT_VMCB_CLEAN (1U << 5)
#define SVM_FEAT_FLUSH_BY_ASID (1U << 6)
#define SVM_FEAT_DECODE_ASSISTS (1U << 7)
#define SVM_FEAT_PAUSE_FILTER (1U << 10)
#define SVM_FEAT_VGIF (1U << 16)

#define MSR_VM_CR 0xc0010114
#define VM_CR_SVMDIS (1UL << 4)
#define MSR_VM_HSAVE_PA 0xc0010117
#define EFER_SVME (1UL << 12)
#define EFER_LMA (1UL << 10)

/* Intercept vector 3 (VMCB offset 0x00c). */
#define SVM_INTERCEPT_INTR (1U << 0)
#define SVM_INTERCEPT_NMI (1U << 1)
#define SVM_INTERCEPT_SMI (1U << 2)
#define SVM_INTERCEPT_INIT (1U << 3)
#define SVM_INTERCEPT_VINTR (1U << 4)
#define SVM_INTERCEPT_CPUID (1U << 18)
#define SVM_INTERCEPT_INVD (1U << 22)
#define SVM_INTERCEPT_HLT (1U << 24)
#define SVM_INTERCEPT_INVLPGA (1U << 26)
#define SVM_INTERCEPT_IOIO (1U << 27)
#define SVM_INTERCEPT_MSR (1U << 28)
#define SVM_INTERCEPT_TASK_SWITCH (1U << 29)
#define SVM_INTERCEPT_SHUTDOWN (1U << 31)
/* Intercept vector 4 (VMCB offset 0x010). */
#define SVM_INTERCEPT_VMRUN (1U << 0)
#define SVM_INTERCEPT_VMMCALL (1U << 1)
#define SVM_INTERCEPT_VMLOAD (1U << 2)
#define SVM_INTERCEPT_VMSAVE (1U << 3)
#define SVM_INTERCEPT_STGI (1U << 4)
#define SVM_INTERCEPT_CLGI (1U << 5)
#define SVM_INTERCEPT_SKINIT (1U << 6)
#define SVM_INTERCEPT_RDTSCP (1U << 7)
#define SVM_INTERCEPT_ICEBP (1U << 8)
#define SVM_INTERCEPT_WBINVD (1U << 9)
#define SVM_INTERCEPT_MONITOR (1U << 10)
#define SVM_INTERCEPT_MWAIT (1U << 11)
#define SVM_INTERCEPT_MWAIT_COND (1U << 12)
#define SVM_INTERCEPT_XSETBV (1U << 13)

/* Exit codes (APM vol. 2, appendix C). */
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPGA 0x07a
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_TASK_SWITCH 0x07d
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_RDTSCP 0x087
#define SVM_EXIT_ICEBP 0x088
#define SVM_EXIT_WBINVD 0x089
#define SVM_EXIT_MONITOR 0x08a
#define SVM_EXIT_MWAIT 0x08b
#define SVM_EXIT_MWAIT_COND 0x08c
#define SVM_EXIT_XSETBV 0x08d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffULL

/* IOIO exit information 1 (APM vol. 2, 15.10.2). */
#define SVM_IOIO_IN (1U << 0)
#define SVM_IOIO_STR (1U << 2)
#define SVM_IOIO_REP (1U << 3)
#define SVM_IOIO_SIZE_SHIFT 4
#define SVM_IOIO_PORT_SHIFT 16

/* EVENTINJ / EXITINTINFO (APM vol. 2, 15.20). */
#define SVM_EVTINJ_VALID (1U << 31)
#define SVM_EVTINJ_VALID_ERR (1U << 11)
#define SVM_EVTINJ_TYPE_INTR (0U << 8)
#define SVM_EVTINJ_TYPE_NMI (2U << 8)
#define SVM_EVTINJ_TYPE_EXCEPTION (3U << 8)
#define SVM_EVTINJ_TYPE_SOFT (4U << 8)

/* VMCB.vintr (offset 0x060). */
#define SVM_VINTR_V_IRQ (1ULL << 8)
#define SVM_VINTR_V_IGN_TPR (1ULL << 20)
#define SVM_VINTR_MASKING (1ULL << 24)

/* TLB_CONTROL values. */
#define SVM_TLB_FLUSH_NOTHING 0
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3

/** A segment in the VMCB save area. */
struct vmcb_seg {
	uint16_t sel, attr;
	uint32_t limit;
	uint64_t base;
};

/** The VMCB (APM vol. 2, tables B-1 and B-2); offsets are pinned by static asserts in svm.c. */
struct vmcb {
	/* Control area. */
	uint32_t intercept_cr;		/* 0x000: reads in 15:0, writes in 31:16 */
	uint32_t intercept_dr;		/* 0x004 */
	uint32_t intercept_exceptions;	/* 0x008 */
	uint32_t intercept_misc1;	/* 0x00c */
	uint32_t intercept_misc2;	/* 0x010 */
	uint32_t intercept_misc3;	/* 0x014 */
	uint8_t rsvd1[0x03c - 0x018];
	uint16_t pause_filter_thresh;	/* 0x03c */
	uint16_t pause_filter_count;	/* 0x03e */
	uint64_t iopm_base_pa;		/* 0x040 */
	uint64_t msrpm_base_pa;		/* 0x048 */
	uint64_t tsc_offset;		/* 0x050 */
	uint32_t asid;			/* 0x058 */
	uint8_t tlb_control;		/* 0x05c */
	uint8_t rsvd2[3];
	uint64_t vintr;			/* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, masking, vector (39:32) */
	uint64_t interrupt_shadow;	/* 0x068 */
	uint64_t exitcode;		/* 0x070 */
	uint64_t exitinfo1;		/* 0x078 */
	uint64_t exitinfo2;		/* 0x080 */
	uint64_t exitintinfo;		/* 0x088 */
	uint64_t np_enable;		/* 0x090 */
	uint64_t avic_apic_bar;		/* 0x098 */
	uint64_t ghcb_pa;		/* 0x0a0 */
	uint64_t eventinj;		/* 0x0a8 */
	uint64_t n_cr3;			/* 0x0b0 */
	uint64_t virt_ext;		/* 0x0b8: LBR virtualization, VMLOAD/VMSAVE virtualization */
	uint32_t clean_bits;		/* 0x0c0 */
	uint32_t rsvd3;
	uint64_t nrip;			/* 0x0c8 */
	uint8_t insn_len;		/* 0x0d0 */
	uint8_t insn_bytes[15];		/* 0x0d1 */
	uint8_t rsvd4[0x400 - 0x0e0];
	/* State save area. */
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;	/* 0x400-0x49f */
	uint8_t rsvd5[0x4cb - 0x4a0];
	uint8_t cpl;			/* 0x4cb */
	uint32_t rsvd6;
	uint64_t efer;			/* 0x4d0 */
	uint8_t rsvd7[0x548 - 0x4d8];
	uint64_t cr4;			/* 0x548 */
	uint64_t cr3;			/* 0x550 */
	uint64_t cr0;			/* 0x558 */
	uint64_t dr7;			/* 0x560 */
	uint64_t dr6;			/* 0x568 */
	uint64_t rflags;		/* 0x570 */
	uint64_t rip;			/* 0x578 */
	uint8_t rsvd8[0x5d8 - 0x580];
	uint64_t rsp;			/* 0x5d8 */
	uint64_t s_cet, ssp, isst_addr;	/* 0x5e0 */
	uint64_t rax;			/* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;	/* 0x600 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;	/* 0x628 */
	uint64_t cr2;			/* 0x640 */
	uint8_t rsvd9[0x668 - 0x648];
	uint64_t g_pat;			/* 0x668 */
	uint64_t dbgctl;		/* 0x670 */
	uint64_t br_from, br_to, last_excp_from, last_excp_to;	/* 0x678 */
	uint8_t rsvd10[0x1000 - 0x698];
};

/**
 * Enter the guest whose VMCB is at @vmcb_pa with the general registers in @regs (RAX and RSP come
 * from the VMCB), saving the host's VMLOAD/VMSAVE state to @host_pa first and restoring it after
 * the exit. Called with GIF clear (svm/entry.S).
 */
void svm_vmrun(paddr_t vmcb_pa, void *regs, paddr_t host_pa);

#endif
