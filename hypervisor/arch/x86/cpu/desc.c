/*
 * Descriptor tables: the per-CPU GDT page (at the selectors the PV ABI reserves), the TSS with
 * separate IST stacks for NMI, double fault and machine check, and the IDT shared by all CPUs.
 */
#include <argon/lib.h>
#include <argon/console.h>
#include <asm/cpu.h>
#include <argon/domain.h>
#include <asm/page.h>
#include <asm/pv/descriptor.h>
#include <asm/percpu.h>
#include <asm/regs.h>

struct percpu percpu_areas[NR_CPUS] __aligned(4096);

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern const uint64_t idt_stub_table[256];

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Code/data descriptors (SDM vol. 3, section 3.4.5): flat, with the accessed bit preset. */
#define DESC_CODE64_DPL0 0x00af9b000000ffffULL
#define DESC_DATA_DPL0 0x00cf93000000ffffULL
#define DESC_CODE32_DPL3 0x00cffb000000ffffULL
#define DESC_DATA_DPL3 0x00cff3000000ffffULL
#define DESC_CODE64_DPL3 0x00affb000000ffffULL

#define GDT_SLOT(sel) (((sel) - GDT_RESERVED_BYTE) >> 3)

static void set_tss_desc(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	/* A 16-byte system descriptor of type 9, available 64-bit TSS (SDM vol. 3, 8.2.3). */
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void percpu_init(unsigned int cpu, uint64_t stack_block)
{
	struct percpu *pc = &percpu_areas[cpu];
	struct cpu_info *info = (struct cpu_info *)(stack_block + STACK_BLOCK_SIZE - CPU_INFO_SIZE);
	uint64_t stack_top = (uint64_t)info;
	struct desc_ptr gdtr;
	int i;

	pc->cpu_id = cpu;
	pc->stack_block = stack_block;
	pc->info = info;
	info->percpu = pc;
	info->stack_top = stack_top;
	timer_queue_init(&pc->timers, pc->timer_heap, NR_TIMERS_PER_CPU);

	memset(pc->gdt_page, 0, sizeof(pc->gdt_page));
	pc->gdt_page[GDT_SLOT(HYPERVISOR_CS)] = DESC_CODE64_DPL0;
	pc->gdt_page[GDT_SLOT(HYPERVISOR_DS)] = DESC_DATA_DPL0;
	pc->gdt_page[GDT_SLOT(FLAT_RING3_CS32)] = DESC_CODE32_DPL3;
	pc->gdt_page[GDT_SLOT(FLAT_RING3_DS32)] = DESC_DATA_DPL3;
	pc->gdt_page[GDT_SLOT(FLAT_RING3_CS64)] = DESC_CODE64_DPL3;
	set_tss_desc(&pc->gdt_page[GDT_SLOT(TSS_SELECTOR)], &pc->tss);

	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.rsp0 = stack_top;
	for (i = 0; i < NR_IST_STACKS; i++) {
		pc->tss.ist[i] = ist_stack_base(stack_block, i + 1) + IST_STACK_SIZE;
	}
	/* No I/O bitmap: every port access from a less privileged ring faults. */
	pc->tss.iomap_base = sizeof(pc->tss);

	/*
	 * Until the per-CPU GDT window exists (percpu_gdt_window()), the base is placed so Argon's page
	 * lands at selector 0xe000 and the limit covers only that page's selectors; whatever lies
	 * below is never read because only Argon runs and it loads only reserved selectors.
	 */
	gdtr.base = (uint64_t)pc->gdt_page - GDT_RESERVED_BYTE;
	gdtr.limit = GDT_RESERVED_BYTE + sizeof(pc->gdt_page) - 1;
	__asm__ __volatile__("lgdt %0" : : "m"(gdtr));
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		: : [cs] "i"(HYPERVISOR_CS), [ds] "i"(HYPERVISOR_DS) : "rax", "memory");
	__asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));
	/*
	 * The shadow GS base always points at cpu_info: the syscall entry swaps it in just long
	 * enough to find this CPU's stack. The active GS base belongs to whatever guest runs.
	 */
	wrmsr(MSR_GS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)info);
}

static void set_gate(unsigned int vec, uint64_t handler, unsigned int ist)
{
	struct idt_entry *e = &idt[vec];

	e->offset_lo = handler & 0xffff;
	e->selector = HYPERVISOR_CS;
	e->ist = (uint8_t)ist;
	e->type_attr = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
	e->offset_mid = (handler >> 16) & 0xffff;
	e->offset_hi = (uint32_t)(handler >> 32);
	e->zero = 0;
}

void idt_init(void)
{
	static bool built;
	struct desc_ptr idtr;
	unsigned int v;

	if (!built) {
		for (v = 0; v < 256; v++) {
			set_gate(v, idt_stub_table[v], 0);
		}
		/* These must run on a known-good stack whatever state the current one is in. */
		set_gate(X86_EXC_NMI, idt_stub_table[X86_EXC_NMI], IST_NMI);
		set_gate(X86_EXC_DF, idt_stub_table[X86_EXC_DF], IST_DF);
		set_gate(X86_EXC_MC, idt_stub_table[X86_EXC_MC], IST_MC);
		built = true;
	}
	idtr.base = (uint64_t)idt;
	idtr.limit = sizeof(idt) - 1;
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

/*
 * Move this CPU's GDT into its own 64 KiB window, as every PV vCPU sees it: pages 0-13 (selectors
 * below 0xe000, the guest's part of the GDT) map a zeroed page read-only until guest GDT frames
 * are installed there, so any selector a guest loads from them is a not-present descriptor and
 * faults; page 14 maps Argon's descriptor page. Nothing of the hypervisor is reachable through the
 * GDT limit.
 */
static mfn_t gdt_zero_mfn;

void percpu_gdt_window(unsigned int cpu, mfn_t zero_page)
{
	struct percpu *pc = &percpu_areas[cpu];
	uint64_t base = GDT_VIRT_START + (uint64_t)cpu * GDT_VIRT_SIZE;
	struct desc_ptr gdtr;
	unsigned int i;

	for (i = 0; i < GDT_RESERVED_BYTE / PAGE_SIZE; i++) {
		if (map_pages(idle_l4, base + i * PAGE_SIZE, mfn_to_paddr(zero_page), PAGE_SIZE,
			      PAGE_HYPERVISOR_RO, 1)) {
			panic("cannot map the GDT window of CPU %u", cpu);
		}
	}
	/* Writable: ltr marks the TSS descriptor busy. */
	if (map_pages(idle_l4, base + GDT_RESERVED_BYTE, virt_to_phys(pc->gdt_page), PAGE_SIZE,
		      PAGE_HYPERVISOR_RW, 1)) {
		panic("cannot map the GDT window of CPU %u", cpu);
	}
	/*
	 * The LDT window's page table is made now, not at the first LDT load: that would take a
	 * frame from the heap while the first domain with an LDT runs, and keep it.
	 */
	for (i = 0; i < LDT_VIRT_SIZE / PAGE_SIZE; i++) {
		if (map_pages(idle_l4, LDT_VIRT_START + (uint64_t)cpu * LDT_VIRT_SIZE + i * PAGE_SIZE,
			      mfn_to_paddr(zero_page), PAGE_SIZE, PAGE_HYPERVISOR_RO, 1)) {
			panic("cannot map the LDT window of CPU %u", cpu);
		}
	}
	gdt_zero_mfn = zero_page;
	pc->gdt_base = base;
	gdtr.base = base;
	gdtr.limit = GDT_RESERVED_BYTE + PAGE_SIZE - 1;
	__asm__ __volatile__("lgdt %0" : : "m"(gdtr));
}

void percpu_gdt_load_guest(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	unsigned int i;

	/* Writable for the CPU's accessed-bit updates; the guest's own mappings stay read-only. */
	for (i = 0; i < GDT_RESERVED_BYTE / PAGE_SIZE; i++) {
		bool guest = v && i < v->arch.nr_gdt_frames;

		map_pages(idle_l4, pc->gdt_base + i * PAGE_SIZE,
			  mfn_to_paddr(guest ? v->arch.gdt_frames[i] : gdt_zero_mfn), PAGE_SIZE,
			  guest ? PAGE_HYPERVISOR_RW : PAGE_HYPERVISOR_RO, 1);
	}
}

void percpu_ldt_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	uint64_t base = LDT_VIRT_START + (uint64_t)pc->cpu_id * LDT_VIRT_SIZE, limit;
	uint64_t *slot = &pc->gdt_page[GDT_SLOT(LDT_SELECTOR)];
	unsigned int i;

	if (!v->arch.ldt_ents) {
		__asm__ __volatile__("lldt %w0" : : "r"(0));
		return;
	}
	for (i = 0; i < v->arch.nr_ldt_frames; i++) {
		map_pages(idle_l4, base + i * PAGE_SIZE, mfn_to_paddr(v->arch.ldt_frames[i]), PAGE_SIZE,
			  PAGE_HYPERVISOR_RW, 1);
	}
	limit = (uint64_t)v->arch.ldt_ents * 8 - 1;
	/* A 16-byte system descriptor of type 2, LDT (SDM vol. 3, 3.5). */
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
	__asm__ __volatile__("lldt %w0" : : "r"(LDT_SELECTOR));
}
