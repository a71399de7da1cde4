/* Link map of the hypervisor image: text, read-only data and data on separate pages (W^X). */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = ARGON_VIRT_START + ARGON_LOAD_PHYS;
	__image_start = .;

	.text : AT(ADDR(.text) - ARGON_VIRT_START) {
		KEEP(*(.mb2hdr))
		*(.text.boot)
		*(.text .text.*)
	} :text
	. = ALIGN(4096);
	__text_end = .;

	.rodata : AT(ADDR(.rodata) - ARGON_VIRT_START) {
		*(.rodata .rodata.*)
		*(.data.rel.ro .data.rel.ro.*)
		. = ALIGN(8);
		__param_start = .;
		KEEP(*(.param))
		__param_end = .;
		. = ALIGN(8);
		__ex_table_start = .;
		KEEP(*(.ex_table))
		__ex_table_end = .;
		. = ALIGN(8);
		__selftests_start = .;
		KEEP(*(.selftests))
		__selftests_end = .;
	} :rodata
	. = ALIGN(4096);
	__rodata_end = .;

	.data : AT(ADDR(.data) - ARGON_VIRT_START) {
		*(.data.page_aligned)
		*(.data .data.*)
		*(.got)
	} :data

	.bss (NOLOAD) : AT(ADDR(.bss) - ARGON_VIRT_START) {
		. = ALIGN(4096);
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss.stack)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :data
	__image_end = .;

	/* Debug information, not loaded (addr2line and gdb use it). */
	.debug_info 0 : { *(.debug_info) }
	.debug_abbrev 0 : { *(.debug_abbrev) }
	.debug_line 0 : { *(.debug_line) }
	.debug_line_str 0 : { *(.debug_line_str) }
	.debug_str 0 : { *(.debug_str) }
	.debug_aranges 0 : { *(.debug_aranges) }
	.debug_loclists 0 : { *(.debug_loclists) }
	.debug_rnglists 0 : { *(.debug_rnglists) }
	.debug_frame 0 : { *(.debug_frame) }
	.symtab 0 : { *(.symtab) }
	.strtab 0 : { *(.strtab) }
	.shstrtab 0 : { *(.shstrtab) }

	/DISCARD/ : {
		*(.rela.*) *(.iplt) *(.igot.plt) *(.igot)
		*(.eh_frame) *(.eh_frame_hdr) *(.note.GNU-stack) *(.comment) *(.note.gnu.property)
		*(.got.plt) *(.plt) *(.interp) *(.dynamic) *(.dynsym) *(.dynstr) *(.hash) *(.gnu.hash)
	}
}


ASSERT(__image_end - ARGON_VIRT_START < 0x40000000, "image too large")
