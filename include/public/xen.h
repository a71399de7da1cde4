/* SPDX-License-Identifier: MIT */
/*
 * The core of the PV guest ABI: hypercall numbers, virtual IRQs, the PV MMU commands, domain
 * IDs, and the pages every PV guest shares with the hypervisor (shared_info with its vcpu_info
 * slots) or is handed at boot (start_info).
 *
 * The numbers and layouts are Xen's public x86-64 PV ABI (interface of Xen 4.17), so stock Linux
 * and Xen-aware tools work unchanged; the text is Argon's. Types and constants only, no libc:
 * the hypervisor, dom0 tools and guest kernels include it alike. tests/abi pins every layout.
 */
#ifndef ARGON_PUBLIC_XEN_H
#define ARGON_PUBLIC_XEN_H

#include "arch-x86/xen.h"

/*
 * Hypercall numbers (RAX for `syscall`, or the stub index in the hypercall page). Argument
 * registers: RDI, RSI, RDX, R10, R8. The result comes back in RAX.
 */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6 /* obsolete */
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
/* 11 is unused */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16 /* obsolete */
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19 /* obsolete */
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23 /* x86 only */
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25 /* x86-64 only */
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42
/* 48-55 are architecture-specific; x86 uses 48 for the machine-check interface. */
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55
#define __HYPERVISOR_mca __HYPERVISOR_arch_0

/* Virtual IRQs, bound to event channels with EVTCHNOP_bind_virq. */
#define VIRQ_TIMER 0	  /* per vCPU: timer expiry */
#define VIRQ_DEBUG 1	  /* per vCPU: debug request */
#define VIRQ_CONSOLE 2	  /* global, dom0: console input */
#define VIRQ_DOM_EXC 3	  /* global, dom0: a domain shut down or crashed */
#define VIRQ_TBUF 4	  /* global: trace buffers */
#define VIRQ_DEBUGGER 6	  /* global: a domain hit a debug trap */
#define VIRQ_XENOPROF 7	  /* per vCPU */
#define VIRQ_CON_RING 8	  /* global: hypervisor console ring has output */
#define VIRQ_PCPU_STATE 9 /* global: physical CPU hotplug */
#define VIRQ_MEM_EVENT 10 /* global */
#define VIRQ_ARGO 11	  /* global */
#define VIRQ_ENOMEM 12	  /* global: hypervisor memory low */
#define VIRQ_XENPMU 13	  /* per vCPU */
#define VIRQ_ARCH_0 16	  /* x86: VIRQ_MCA */
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23
#define VIRQ_MCA VIRQ_ARCH_0
#define NR_VIRQS 24

/*
 * mmu_update commands, in bits 0-1 of mmu_update.ptr (the rest is a machine address, 8-byte
 * aligned).
 * NORMAL_PT_UPDATE: ptr = machine address of a PTE in a page-table page, val = the new entry.
 * MACHPHYS_UPDATE: ptr = machine address of a frame, val = its new pfn in the M2P.
 * PT_UPDATE_PRESERVE_AD: as NORMAL, keeping the hardware A/D bits already in the entry.
 * PT_UPDATE_NO_TRANSLATE: as NORMAL, val's frame taken as is (for foreign mappings).
 */
#define MMU_NORMAL_PT_UPDATE 0
#define MMU_MACHPHYS_UPDATE 1
#define MMU_PT_UPDATE_PRESERVE_AD 2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/* mmuext_op commands (mmuext_op.cmd); arg1/arg2 per command as noted. */
#define MMUEXT_PIN_L1_TABLE 0	     /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE 1	     /* arg1.mfn */
#define MMUEXT_PIN_L3_TABLE 2	     /* arg1.mfn */
#define MMUEXT_PIN_L4_TABLE 3	     /* arg1.mfn */
#define MMUEXT_UNPIN_TABLE 4	     /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR 5	     /* arg1.mfn: new kernel L4 */
#define MMUEXT_TLB_FLUSH_LOCAL 6     /* no arguments */
#define MMUEXT_INVLPG_LOCAL 7	     /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI 8     /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI 9	     /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL 10	     /* no arguments */
#define MMUEXT_INVLPG_ALL 11	     /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE 12	     /* no arguments */
#define MMUEXT_SET_LDT 13	     /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR 15   /* arg1.mfn: new user L4, 0 for none */
#define MMUEXT_CLEAR_PAGE 16	     /* arg1.mfn */
#define MMUEXT_COPY_PAGE 17	     /* arg1.mfn (destination), arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18 /* no arguments */
#define MMUEXT_MARK_SUPER 19	     /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER 20	     /* arg1.mfn */

/*
 * update_va_mapping flags: bits 0-1 the flush kind; above them either UVMF_ALL, or (MULTI) a
 * pointer to a vCPU bitmap, or 0 (LOCAL).
 */
#define UVMF_NONE (XEN_MK_UL(0) << 0)
#define UVMF_TLB_FLUSH (XEN_MK_UL(1) << 0)
#define UVMF_INVLPG (XEN_MK_UL(2) << 0)
#define UVMF_FLUSHTYPE_MASK (XEN_MK_UL(3) << 0)
#define UVMF_MULTI (XEN_MK_UL(0) << 2)
#define UVMF_LOCAL (XEN_MK_UL(0) << 2)
#define UVMF_ALL (XEN_MK_UL(1) << 2)

/* console_io commands: (cmd, count, buffer). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* vm_assist commands and assist types. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3 3
#define VMASST_TYPE_architectural_iopl 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict 32

/* Domain IDs with a special meaning; real domains are below DOMID_FIRST_RESERVED. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF 0x7FF0U    /* the calling domain */
#define DOMID_IO 0x7FF1U      /* owner of I/O memory; I/O mappings in mmu_update */
#define DOMID_XEN 0x7FF2U     /* the hypervisor's own frames */
#define DOMID_COW 0x7FF3U     /* shared copy-on-write frames */
#define DOMID_INVALID 0x7FF4U /* no domain */
#define DOMID_IDLE 0x7FFFU    /* the idle domain */
#define DOMID_MASK 0x7FFFU

/* start_info.flags. */
#define SIF_PRIVILEGED (1 << 0)	     /* may use privileged hypercalls */
#define SIF_INITDOMAIN (1 << 1)	     /* the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD (1 << 2)   /* mod_start is a list of xen_multiboot_mod_list */
#define SIF_MOD_START_PFN (1 << 3)   /* mod_start is a pfn, not a virtual address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* the guest keeps a linear p2m for the tools */
#define SIF_PM_MASK (0xFF << 8)	     /* power-management flags */

/* Size of start_info.cmd_line. */
#define MAX_GUEST_CMDLINE 1024

/* pvclock flags in vcpu_time_info.flags. */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)

/* dom0_vga_console_info.video_type. */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70

#ifndef __ASSEMBLER__

#include <stdint.h>

typedef uint16_t domid_t;

/* One mmu_update request: ptr = machine address | MMU_* command, val = new value. */
struct mmu_update {
	uint64_t ptr;
	uint64_t val;
};
XEN_GUEST_HANDLE_DEFINE(mmu_update, struct mmu_update);

/* One extended MMU operation. */
struct mmuext_op {
	uint32_t cmd; /* MMUEXT_* */
	uint32_t _pad0;
	union {
		xen_pfn_t mfn;	      /* machine frame of a table or page */
		uint64_t linear_addr; /* a guest virtual address */
	} arg1;
	union {
		uint32_t nr_ents;		  /* SET_LDT: entry count */
		XEN_GUEST_HANDLE(void) vcpumask; /* *_MULTI: bitmap of target vCPUs */
		xen_pfn_t src_mfn;		  /* COPY_PAGE: source frame */
	} arg2;
};
XEN_GUEST_HANDLE_DEFINE(mmuext_op, struct mmuext_op);

/*
 * One call of a multicall batch: hypercall number op and its arguments; the hypervisor stores
 * the call's return value in result.
 */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
XEN_GUEST_HANDLE_DEFINE(multicall_entry, struct multicall_entry);

/*
 * Per-vCPU system time (pvclock), updated by the hypervisor with a seqlock-like version: odd
 * while being written. Readers compute
 *   ns = system_time + (((tsc - tsc_timestamp) << or >> |tsc_shift|) * tsc_to_system_mul) >> 32
 * (left shift when tsc_shift >= 0), retrying while version is odd or changed.
 */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;	     /* TSC at the moment system_time was taken */
	uint64_t system_time;	     /* ns since the hypervisor's time origin */
	uint32_t tsc_to_system_mul;  /* TSC ticks to ns, 32.32 fixed point after the shift */
	int8_t tsc_shift;	     /* signed power-of-two pre-scale of the TSC delta */
	uint8_t flags;		     /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};

/*
 * Per-vCPU event state and time. 64 bytes. Events are delivered to the event callback when
 * evtchn_upcall_pending is set and evtchn_upcall_mask is clear; evtchn_pending_sel has one bit
 * per word of shared_info.evtchn_pending with something pending for this vCPU.
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask; /* the guest's virtual "interrupts disabled" */
	uint8_t _pad0[6];
	xen_ulong_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};

/*
 * The page shared by the hypervisor and a PV domain (start_info.shared_info is its machine
 * address). 2-level event channels: bit N of evtchn_pending/evtchn_mask is port N.
 * The wallclock (wc_*) is the wall time at system time 0, guarded by wc_version like pvclock.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi; /* upper 32 bits of the wallclock seconds */
	struct arch_shared_info arch;
};

/*
 * Handed to a PV guest at boot: RSI holds its virtual address, and it lies inside the initial
 * mapping. Addresses are guest virtual unless stated otherwise. 1168 bytes.
 */
struct start_info {
	char magic[32];	      /* "xen-<version>-<platform>", e.g. "xen-3.0-x86_64" */
	uint64_t nr_pages;    /* pages of memory the domain has */
	uint64_t shared_info; /* machine address of the shared_info page */
	uint32_t flags;	      /* SIF_* */
	uint32_t _pad0;
	xen_pfn_t store_mfn;   /* xenstore ring page (machine frame), 0 if none */
	uint32_t store_evtchn; /* its event channel, 0 if none */
	uint32_t _pad1;
	union {
		struct {
			xen_pfn_t mfn;	 /* console ring page (machine frame) */
			uint32_t evtchn; /* its event channel */
			uint32_t _pad0;
		} domU;
		struct {
			uint32_t info_off;  /* offset of a dom0_vga_console_info in this page */
			uint32_t info_size; /* its size, 0 if none */
		} dom0;
	} console;
	uint64_t pt_base;      /* virtual address of the initial L4 */
	uint64_t nr_pt_frames; /* number of initial page-table frames */
	uint64_t mfn_list;     /* virtual address of the p2m array (pfn -> mfn) */
	uint64_t mod_start;    /* initrd: virtual address, or pfn with SIF_MOD_START_PFN */
	uint64_t mod_len;      /* initrd size in bytes */
	char cmd_line[MAX_GUEST_CMDLINE];
	uint64_t first_p2m_pfn; /* first pfn of a p2m placed outside the initial mapping */
	uint64_t nr_p2m_frames; /* its frames, including their page tables */
};

/* A module descriptor when SIF_MULTIBOOT_MOD is set. */
struct xen_multiboot_mod_list {
	uint32_t mod_start; /* pfn of the module */
	uint32_t mod_end;   /* bytes from mod_start to the end of the module */
	uint32_t cmdline;   /* pfn offset of its command line, 0 if none */
	uint32_t pad;
};

/* The firmware console dom0 inherits (placed in start_info's page at console.dom0.info_off). */
struct dom0_vga_console_info {
	uint8_t video_type; /* XEN_VGATYPE_* */
	uint8_t _pad0[3];
	union {
		struct {
			uint16_t font_height;
			uint16_t cursor_x, cursor_y;
			uint16_t rows, columns;
		} text_mode_3;
		struct {
			uint16_t width, height;
			uint16_t bytes_per_line;
			uint16_t bits_per_pixel;
			uint32_t lfb_base; /* low 32 bits of the frame buffer address */
			uint32_t lfb_size; /* in 64 KiB units */
			uint8_t red_pos, red_size;
			uint8_t green_pos, green_size;
			uint8_t blue_pos, blue_size;
			uint8_t rsvd_pos, rsvd_size;
			uint32_t gbl_caps;
			uint16_t mode_attrs;
			uint16_t pad;
			uint32_t ext_lfb_base; /* high 32 bits of the frame buffer address */
		} vesa_lfb;
	} u;
};

/* A domain's 128-bit handle (UUID) as the tools see it. */
typedef uint8_t xen_domain_handle_t[16];

typedef struct {
	uint8_t a[16];
} xen_uuid_t;

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_XEN_H */
