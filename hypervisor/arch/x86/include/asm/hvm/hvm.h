/*
 * HVM guests: hardware-assisted vCPUs with nested paging. This header is the contract between the
 * generic HVM layer (the C files in arch/x86/hvm/) and a vendor implementation (arch/x86/hvm/svm/, later
 * vmx/): the vendor provides one const struct hvm_vendor_ops, chosen once at boot by hvm_init();
 * generic code calls the vendor only through it, and the vendor's exit handler calls back into the
 * generic hvm_handle_*() functions declared here (Jailhouse's vcpu.h split).
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <argon/compiler.h>
#include <argon/domain.h>
#include <argon/timer.h>
#include <argon/types.h>
#include <asm/hvm/regs.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/firmware.h>
#include <asm/hvm/vplatform.h>
#include <asm/hvm/vuart.h>

/** Segment registers, in the order of the x86 encoding (ES=0 ... GS=5), then the tables. */
enum hvm_seg { HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS, HVM_SEG_DS, HVM_SEG_FS, HVM_SEG_GS,
	       HVM_SEG_GDTR, HVM_SEG_IDTR, HVM_SEG_LDTR, HVM_SEG_TR, HVM_NR_SEGS };

/**
 * A segment register as the generic layer sees it. @attr packs descriptor bits 40-47 (type, S,
 * DPL, P) into bits 0-7 and bits 52-55 (AVL, L, D/B, G) into bits 8-11, SVM's VMCB encoding.
 */
struct hvm_segment {
	uint16_t sel, attr;
	uint32_t limit;
	uint64_t base;
};

#define HVM_SEG_ATTR_L (1u << 9)
#define HVM_SEG_ATTR_DB (1u << 10)

/** The entry state of a vCPU's first run, as a domain builder sets it. */
struct hvm_boot_state {
	struct hvm_regs regs;
	uint64_t cr0, cr3, cr4, efer;
	struct hvm_segment segs[HVM_NR_SEGS];
};

/** How a vendor encodes nested/extended page-table entries (Intel EPT or AMD NPT). */
struct hvm_p2m_format {
	uint64_t table_flags;		/* a non-leaf entry that grants everything below */
	uint64_t ram_flags;		/* a 4 KiB leaf mapping guest RAM (read, write, execute) */
};

/**
 * The vendor contract. Every hook is called on the CPU that runs the vCPU, with that vCPU's
 * domain running. Hooks that can fail return 0 or a negative errno.
 */
struct hvm_vendor_ops {
	const char *name;
	/** The hypercall instruction (VMMCALL or VMCALL), for the hypercall page. */
	uint8_t hypercall_insn[3];
	/** Nested page-table encoding. */
	struct hvm_p2m_format p2m_format;
	/** Turn the extension on for this CPU (once per CPU). */
	int (*cpu_up)(void);
	/** Create @v's control block from @s with its nested page tables rooted at @p2m_root. */
	int (*vcpu_create)(struct vcpu *v, const struct hvm_boot_state *s, paddr_t p2m_root);
	/** Free what vcpu_create allocated; harmless on a vCPU whose creation failed half-way. */
	void (*vcpu_destroy)(struct vcpu *v);
	/** Give @v (not on a CPU) the state @s, as at creation (INIT/SIPI); queued events go. */
	void (*vcpu_reset)(struct vcpu *v, const struct hvm_boot_state *s);
	/**
	 * Enter the guest once with the registers in v->arch.hvm->regs, take the exit and handle it
	 * (calling the hvm_handle_*() functions). Returns with host interrupts enabled.
	 */
	void (*run)(struct vcpu *v);
	/** Read control register @n (0, 2, 3, 4) and EFER of the guest. */
	uint64_t (*get_cr)(const struct vcpu *v, unsigned int n);
	uint64_t (*get_efer)(const struct vcpu *v);
	/** Set the guest's EFER (the vendor keeps any bit the hardware requires, e.g. SVME). */
	void (*set_efer)(struct vcpu *v, uint64_t efer);
	/** Read segment register @seg of the guest. */
	void (*get_segment)(const struct vcpu *v, enum hvm_seg seg, struct hvm_segment *out);
	/** The guest's current privilege level. */
	unsigned int (*get_cpl)(const struct vcpu *v);
	/** Queue exception @vector (with @error_code when @has_ec) for the next entry. */
	void (*inject_exception)(struct vcpu *v, unsigned int vector, bool has_ec, uint32_t ec);
	/** Queue external interrupt @vector for the next entry; false if one is already queued. */
	bool (*inject_interrupt)(struct vcpu *v, unsigned int vector);
	/** True if the guest can take an external interrupt now (IF set, no interrupt shadow). */
	bool (*interrupts_enabled)(const struct vcpu *v);
	/** Discard @v's guest-physical translations before its next entry (nested tables changed). */
	void (*flush_guest_tlb)(struct vcpu *v);
	/** The offset the CPU adds to the host TSC for @v (the guest's RDTSC = host + offset). */
	uint64_t (*get_tsc_offset)(const struct vcpu *v);
	/** Ask for an exit as soon as the guest can take an interrupt (interrupt window). */
	void (*request_irq_window)(struct vcpu *v, bool on);
	/**
	 * MSRs whose guest copy the vendor keeps (PAT, ...): 0 when done, -ENOENT when @msr is not
	 * the vendor's, -EINVAL when the access must raise #GP.
	 */
	int (*msr_read)(struct vcpu *v, uint32_t msr, uint64_t *val);
	int (*msr_write)(struct vcpu *v, uint32_t msr, uint64_t val);
};

/** The HVM state of a vCPU (allocated with alloc_xenheap; v->arch.hvm points to it). */
struct hvm_vcpu {
	struct hvm_regs regs;		/* guest registers between exits */
	void *vendor;			/* the vendor's per-vCPU state (VMCB and friends) */
	struct vlapic vlapic;
	bool halted;			/* executed HLT; waits for an interrupt */
	bool down;			/* HLT with interrupts disabled, or never started: offline */
	bool wait_sipi;			/* after INIT: a SIPI starts it (application processors) */
	uint64_t dr[4];			/* DR0-3 while the vCPU is not on the CPU */
	uint64_t nr_exits;
	uint64_t pvclock_tsc_offset;	/* the TSC offset the published pvclock includes */
	unsigned int log_budget;	/* guest-triggered messages left (rate limit) */
};

/** True if @d is an HVM domain. */
static inline bool is_hvm_domain(const struct domain *d)
{
	return d->arch.hvm != NULL;
}

/** True if @v is an HVM vCPU. */
static inline bool is_hvm_vcpu(const struct vcpu *v)
{
	return v && v->arch.hvm != NULL;
}

#define HVM_MAX_RAM_FRAMES (GB(4) >> PAGE_SHIFT)

/*
 * Hypervisor pages a guest can place in its physical address space with XENMEM_add_to_physmap:
 * slot 0 is shared_info, slot 1 + i grant-table frame i.
 */
#define HVM_XEN_PAGE_SHARED_INFO 0
#define HVM_XEN_PAGE_GRANT(i) (1 + (i))
#define HVM_NR_XEN_PAGES (1 + 64)	/* GNTTAB_MAX_FRAMES_LIMIT grant frames */
#define HVM_GFN_NONE (~0ULL)

struct hvm_xen_page {
	uint64_t gfn;			/* where the guest put it, HVM_GFN_NONE when not mapped */
	mfn_t ram;			/* the RAM frame it covers (mapped back on removal), 0 above RAM */
};

/** The HVM state of a domain. */
struct hvm_domain {
	uint64_t nr_gfns;		/* guest RAM: GFNs [0, nr_gfns) */
	/*
	 * Guest TSC = host TSC + tsc_offset, the same for every vCPU (so they agree with each other)
	 * and untouched by deschedules (so the guest's time runs on as wall time does): the guest's
	 * TSC starts near 0 when the domain is built.
	 */
	uint64_t tsc_offset;
	mfn_t *p2m;			/* gfn -> mfn for guest RAM (alloc_xenheap) */
	size_t p2m_bytes;
	paddr_t p2m_root;		/* the nested page-table root (vendor format) */
	uint64_t p2m_table_pages;	/* frames the nested tables use (from the hypervisor heap) */
	uint64_t params[64];		/* HVM_PARAM_* values (hvm_op set/get_param) */
	mfn_t console_ring;		/* the PV console ring page (hvm/console.c), 0 if none */
	spinlock_t physmap_lock;	/* xen_pages[] and the nested entries they change */
	uint64_t physmap_tables;	/* nested-table frames created for pages above RAM */
	struct hvm_xen_page xen_pages[HVM_NR_XEN_PAGES];
	struct vuart uart;		/* COM1 */
	/* The legacy platform (hvm/platform.c); touched only by the CPU running the domain. */
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vioapic ioapic;
	struct vpci pci;
	struct vpm pm;			/* ACPI PM1a registers and PM timer */
	struct timer pit_timer;		/* wakes the CPU at pit_deadline */
	s_time_t pit_deadline;		/* next rising edge of PIT channel 0 (-1: none) */
	uint64_t pit_irqs;		/* IRQ 0 edges raised */
};

/** The vendor chosen at boot, NULL when the CPU has no usable hardware assist. */
extern const struct hvm_vendor_ops *hvm_ops;

/** The vendors, each returning its ops when this CPU supports it (NULL otherwise). */
const struct hvm_vendor_ops *svm_probe(void);

/** Choose the vendor and enable it on the boot CPU; -ENODEV when there is none. */
int hvm_init(void);

/** True when HVM guests can run on this machine. */
bool hvm_available(void);

/** What a boot-time HVM domain starts: the kernel image, its command line, an optional initrd. */
struct hvm_kernel {
	const void *image;
	uint64_t len;
	const char *cmdline;
	const void *initrd;		/* NULL: none */
	uint64_t initrd_len;
};

struct boot_domain_spec;

/**
 * Build HVM domain @spec->domid from @k with @spec's memory (0: hvm_mem=), vCPUs and scheduler
 * share, ready for the scheduler (vCPU 0 starts when the scheduler does; the others wait for
 * INIT/SIPI). The image is either an ELF file (loaded by physical address and started the way a
 * Multiboot v1 loader starts it) or a Linux bzImage (the Linux boot protocol, hvm/bzimage.c).
 * 0 and the domain in *@out, or a negative errno (nothing is left behind).
 */
int hvm_build_domain(const struct boot_domain_spec *spec, const struct hvm_kernel *k,
		     struct domain **out);

/** True if @image (@len bytes) is a Linux bzImage. */
bool hvm_is_bzimage(const void *image, uint64_t len);

/**
 * Load the bzImage @k into @d (@mem bytes of RAM, memory map @e820) with its zero page, command
 * line and initrd, and fill @s with the boot protocol's 32-bit entry state.
 */
int hvm_load_bzimage(struct domain *d, const struct hvm_kernel *k, uint64_t mem,
		     const struct e820_entry *e820, unsigned int nr_e820, struct hvm_boot_state *s);

/**
 * Run HVM vCPU @v, which the scheduler just picked, until the scheduler has to decide again: a
 * preemption request, @v blocked (HLT with nothing pending, SCHEDOP_block) or went offline, or
 * its domain stopped. Called and returns with host interrupts disabled; @v's FPU and debug
 * registers are saved again on return, and no vCPU is current.
 */
void hvm_vcpu_run(struct vcpu *v);

/** @v is down (HLT with IF clear): offline; with every vCPU down the domain powers off. */
void hvm_vcpu_down(struct vcpu *v);

/** INIT for @v (an IPI): it goes offline and waits for a SIPI, its local APIC reset. */
void hvm_vcpu_init_signal(struct vcpu *v);

/** Start-up IPI with @vector for @v: a vCPU waiting after INIT starts in real mode at vector << 12. */
void hvm_vcpu_sipi(struct vcpu *v, unsigned int vector);

/** Free @d's HVM state (vendor blocks, nested tables, virtual devices), then the domain. */
void hvm_domain_destroy(struct domain *d);

struct mb2_module;

/** True when the command line asks for a boot-time HVM domain ("hvm=<module-index>"). */
bool hvm_boot_requested(void);

/** Build the boot-time HVM domain (hvm=) from the chosen module of @mods; panics on failure. */
void hvm_boot_domain(const struct mb2_module *mods, unsigned int nr);

/* ---- Called by the vendor's exit handler (the "generic exit" interface). ---- */

/** CPUID at rip: fill rax/rbx/rcx/rdx from Argon's policy and step over the instruction. */
void hvm_handle_cpuid(struct vcpu *v);
/** RDMSR or WRMSR (@write) at rip, by Argon's MSR policy. */
void hvm_handle_msr(struct vcpu *v, bool write);
/**
 * Port I/O: @size bytes at @port, in (@in) or out, not a string instruction; the instruction
 * ends at @next_rip.
 */
void hvm_handle_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint64_t next_rip);
/**
 * String port I/O: INS (@in) or OUTS, @size bytes per element, rCX times when @rep; the
 * instruction ends at @next_rip. Address size and segment come from the instruction's prefixes
 * (SVM reports them only with decode assists, which QEMU TCG lacks).
 */
void hvm_handle_string_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, bool rep,
			  uint64_t next_rip);
/** HLT at rip. */
void hvm_handle_hlt(struct vcpu *v);
/** VMMCALL/VMCALL at rip (a hypercall), whose encoding is @insn (3 bytes). */
void hvm_handle_hypercall(struct vcpu *v, const uint8_t insn[3]);
/** Nested page fault at guest-physical @gpa (@write: a write access). */
void hvm_handle_npf(struct vcpu *v, uint64_t gpa, bool write);
/** The guest triple-faulted or sent itself INIT: crash the domain (never the machine). */
void hvm_handle_triple_fault(struct vcpu *v, const char *what);

/** Crash @v's domain with a rate-limited message tagged d<id>v<vcpu>. */
void hvm_crash(struct vcpu *v, const char *fmt, ...) __printf(2, 3);

/** Log a guest-triggered message tagged d<id>v<vcpu>, at most a few dozen per vCPU. */
void hvm_log(struct vcpu *v, const char *fmt, ...) __printf(2, 3);

/**
 * Step over the instruction at rip when its bytes are @insn (@len bytes); otherwise crash the
 * domain (the exit and the bytes disagree: the guest changed its code under us). Returns true
 * when stepped.
 */
bool hvm_skip_insn(struct vcpu *v, const uint8_t *insn, size_t len);

/* ---- Guest memory (hvm/guest_access.c, hvm/p2m.c). ---- */

/** The machine frame of guest RAM frame @gfn, or false if @gfn is not RAM. */
bool hvm_gfn_to_mfn(const struct domain *d, uint64_t gfn, mfn_t *out);

/**
 * Translate guest linear address @la through the guest's paging mode and page tables; 0 and the
 * guest-physical address in *@gpa, or -EFAULT when unmapped (*@pf_ec: the #PF error code).
 */
int hvm_translate(struct vcpu *v, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_ec);

/** Copy between Argon and the guest's linear addresses; 0 or -EFAULT (no fault is raised). */
int hvm_copy_from_guest_linear(struct vcpu *v, void *dst, uint64_t src, size_t len);
int hvm_copy_to_guest_linear(struct vcpu *v, uint64_t dst, const void *src, size_t len);
int hvm_clear_guest_linear(struct vcpu *v, uint64_t dst, size_t len);

/** Copy between Argon and guest-physical addresses (RAM only; @src NULL zeroes); 0 or -EFAULT. */
int hvm_copy_from_gpa(const struct domain *d, void *dst, uint64_t gpa, size_t len);
int hvm_copy_to_gpa(const struct domain *d, uint64_t gpa, const void *src, size_t len);

/** Allocate @d's RAM (@nr_gfns frames) and build its nested page tables. */
int hvm_p2m_create(struct domain *d, uint64_t nr_gfns);
/**
 * Map @gfn to @mfn in @d's nested tables (and in the RAM array when @gfn is RAM); the caller
 * flushes the vCPUs' guest TLBs. 0 or -ENOMEM.
 */
int hvm_p2m_set(struct domain *d, uint64_t gfn, mfn_t mfn);
/** Unmap @gfn (outside RAM) from @d's nested tables; the caller flushes. */
void hvm_p2m_clear(struct domain *d, uint64_t gfn);
/** The hypervisor page (shared_info, grant frame) @d mapped at @gfn outside RAM, if any. */
bool hvm_xen_page_at(const struct domain *d, uint64_t gfn, mfn_t *out);
/** Drop @d's translations cached for its nested tables (after an entry changed). */
void hvm_flush_guest_tlbs(struct domain *d);
/**
 * Give @d the PV console ring Argon serves, named by HVM_PARAM_CONSOLE_PFN/EVTCHN (after
 * its p2m exists). On error the frame is left for hvm_console_free().
 */
int hvm_console_init(struct domain *d);
/** Free the console ring frame @ring (0: none), after the domain is gone. */
void hvm_console_free(mfn_t ring);

/** No hypervisor page mapped yet (domain creation). */
void hvm_physmap_init(struct domain *d);
/** XENMEM_add_to_physmap / XENMEM_remove_from_physmap from an HVM vCPU (hvm/physmap.c). */
long hvm_add_to_physmap(struct vcpu *v, uint64_t arg);
long hvm_remove_from_physmap(struct vcpu *v, uint64_t arg);
/** The GFN where @d mapped grant frame @idx, or ~0 (GNTTABOP_setup_table for HVM callers). */
uint64_t hvm_grant_frame_gfn(const struct domain *d, unsigned int idx);

/** Free the nested page tables and the p2m array (the RAM frames go with the domain). */
void hvm_p2m_destroy(struct domain *d);

/* ---- The virtual platform (hvm/io.c, hvm/mmio.c). ---- */

/** Emulate the MMIO access of the instruction at rip to guest-physical @gpa; false if none. */
bool hvm_emulate_mmio(struct vcpu *v, uint64_t gpa);

/** Deliver a pending virtual interrupt if the guest can take it (before each entry). */
void hvm_deliver_interrupts(struct vcpu *v);

/** Set up @d's legacy platform devices (PIC, PIT, RTC, IO-APIC, PCI) for @mem_bytes of RAM. */
void hvm_platform_init(struct domain *d, uint64_t mem_bytes);
/** Stop the platform's timers (before the domain is freed). */
void hvm_platform_destroy(struct domain *d);
/** Port I/O to the platform devices: true if @port is theirs (@val in/out, @size bytes). */
bool hvm_platform_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val);
/** Raise the interrupts that came due (PIT channel 0); called before each entry and while halted. */
void hvm_platform_poll(struct vcpu *v);
/** True when a platform timer is due and hvm_platform_poll() has work (host interrupts off). */
bool hvm_platform_due(const struct vcpu *v);
/** Drive ISA interrupt line @irq (0-15) to @level: the PIC input and its IO-APIC pin. */
void hvm_isa_irq(struct domain *d, unsigned int irq, bool level);
/** The local APIC of @v took an EOI for @vector (level-triggered IO-APIC pins). */
void hvm_platform_eoi(struct vcpu *v, uint8_t vector);
/** True when @v has an interrupt to take from its local APIC or, through LINT0, the PIC. */
bool hvm_irq_pending(const struct vcpu *v);

/** The callback vector to inject for @v's pending event upcall, or -1 (hvm/upcall.c). */
int hvm_callback_vector(const struct vcpu *v);
/** Republish @v's pvclock if its TSC offset changed since (before each entry). */
void hvm_pvclock_sync(struct vcpu *v);

/** Mode of the guest's code segment: 2, 4 or 8 (bytes of default operand/address size). */
unsigned int hvm_code_bytes(const struct vcpu *v);


#endif
