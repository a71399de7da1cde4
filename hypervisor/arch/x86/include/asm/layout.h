/*
 * Argon's virtual address map. Everything Argon maps lives in the window the Xen x86-64 PV ABI
 * reserves for the hypervisor, 0xffff800000000000-0xffff87ffffffffff (L4 slots 256-271), so the
 * same L4 slots can be shared into every PV guest's page tables. Usable from C and assembly.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#ifdef __ASSEMBLER__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

/* HYPERVISOR_VIRT_START/END and the FLAT_RING3_* selectors come from the public ABI. */
#include <public/arch-x86/xen-x86_64.h>

/* Slot 256: the read-only machine-to-phys table PV guests read (ABI address). */
#define RO_MPT_VIRT_START _AC(0xffff800000000000, UL)
#define RO_MPT_VIRT_END _AC(0xffff804000000000, UL)
/* Slot 257: reserved for a linear page-table mapping. */
#define LINEAR_PT_VIRT_START _AC(0xffff808000000000, UL)
/* Slot 258: the frame table (struct page_info per MFN); 512 GiB covers 64 TiB of RAM. */
#define FRAMETABLE_VIRT_START _AC(0xffff810000000000, UL)
#define FRAMETABLE_VIRT_END _AC(0xffff818000000000, UL)
/* Slot 259, first half: uncached mappings of device registers (local APIC, IO-APIC, HPET). */
#define IOREMAP_VIRT_START _AC(0xffff818000000000, UL)
#define IOREMAP_VIRT_END _AC(0xffff81c000000000, UL)
/* Slot 259, second half: a 64 KiB GDT window per CPU (guest GDT frames, then Argon's page). */
#define GDT_VIRT_START _AC(0xffff81c000000000, UL)
#define GDT_VIRT_SIZE _AC(0x10000, )
/* Then a 64 KiB LDT window per CPU: the running vCPU's LDT frames. */
#define LDT_VIRT_START (GDT_VIRT_START + _AC(0x1000000, UL))
#define LDT_VIRT_SIZE _AC(0x10000, )
/* Argon's GDT page holds the LDT's system descriptor here (Xen's LDT_ENTRY). */
#define LDT_SELECTOR _AC(0xe050, )
/* Slot 260: the hypervisor image; virtual = ARGON_VIRT_START + physical. */
#define ARGON_VIRT_START _AC(0xffff820000000000, UL)
/* Slot 261: the machine-to-phys table, writable by the hypervisor (slot 256 is its guest view). */
#define RW_MPT_VIRT_START _AC(0xffff828000000000, UL)
#define RW_MPT_VIRT_END _AC(0xffff830000000000, UL)
/* Slots 262-271: the direct map of machine memory (5 TiB). */
#define DIRECTMAP_VIRT_START _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_END _AC(0xffff880000000000, UL)

/* Where the boot loader puts the image (physical), 2 MiB aligned. */
#define ARGON_LOAD_PHYS _AC(0x200000, UL)

/* Selectors: Argon's descriptors sit in the GDT page the PV ABI reserves (from 0xe000). */
#define HYPERVISOR_CS _AC(0xe008, )
#define HYPERVISOR_DS _AC(0xe010, )
#define TSS_SELECTOR _AC(0xe040, )
/* The ABI's FIRST_RESERVED_GDT_BYTE: where the hypervisor-owned GDT page starts. */
#define GDT_RESERVED_BYTE _AC(0xe000, )

/*
 * Each CPU owns a 64 KiB-aligned stack block. this_cpu() finds the CPU from any stack pointer in
 * it, so the hypervisor never depends on a segment base a PV guest controls.
 *   0x0000 guard (unmapped)   0x1000 NMI IST   0x3000 #DF IST   0x5000 #MC IST
 *   0x7000 guard (unmapped)   0x8000 main stack, struct cpu_info in its top 32 bytes
 */
#define STACK_BLOCK_SIZE _AC(0x10000, )
#define IST_STACK_SIZE _AC(0x2000, )
#define STACK_IST_OFFSET(n) (0x1000 + ((n) - 1) * IST_STACK_SIZE)
#define STACK_GUARD1_OFFSET _AC(0x0, )
#define STACK_GUARD2_OFFSET _AC(0x7000, )
#define STACK_MAIN_OFFSET _AC(0x8000, )
#define CPU_INFO_SIZE _AC(32, )
/* Offsets inside struct cpu_info, for the assembly entry paths. */
#define CPU_INFO_PERCPU 0
#define CPU_INFO_STACK_TOP 8
#define CPU_INFO_SCRATCH 16

#endif
