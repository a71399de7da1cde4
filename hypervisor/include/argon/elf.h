/*
 * ELF kernel images (ELF-64, or ELF-32 with the x86-64 machine type) with Xen notes: checked
 * parsing of the image and the notes that describe how to start it as a PV or PVH guest. The
 * image is a boot module, so it is untrusted input.
 */
#ifndef ARGON_ELF_H
#define ARGON_ELF_H

#include <argon/types.h>

#define ELF_MAX_SEGMENTS 16

/** One loadable segment: @filesz bytes at @offset, then zeroes up to @memsz, at @paddr. */
struct elf_segment {
	uint64_t offset, filesz, memsz;
	uint64_t paddr, vaddr;
	uint32_t flags;
};

/** The Xen notes of a PV kernel (XEN_ELFNOTE_*), after checking. */
struct xen_notes {
	uint64_t entry;
	uint64_t hypercall_page;	/* 0: none */
	uint64_t virt_base;
	uint64_t paddr_offset;
	uint64_t init_p2m;		/* 0: the builder places the p2m in the initial mapping */
	uint64_t phys32_entry;		/* PVH: 32-bit physical entry point (below 4 GiB) */
	bool has_hypercall_page, has_init_p2m, has_entry, has_phys32_entry;
	bool mod_start_pfn;
	uint32_t supported_features;	/* SUPPORTED_FEATURES bitmap */
	uint32_t required_features;	/* "!name" entries of FEATURES, as XENFEAT bits */
	const char *guest_os, *guest_version, *xen_version, *loader;	/* point into the image */
	uint32_t guest_os_len, guest_version_len, xen_version_len, loader_len;
};

/** A checked x86-64 image of either ELF class (program headers widened to ELF-64's). */
struct elf_image {
	const uint8_t *data;
	uint64_t size;
	bool is_elf32;			/* ELFCLASS32 with EM_X86_64 */
	uint64_t entry;
	unsigned int nr_segments;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	uint64_t pstart, pend;		/* physical span of the loadable segments */
	bool has_xen_notes;
	struct xen_notes notes;
};

/**
 * Check @size bytes at @data as a little-endian x86-64 executable, ELF-64 or ELF-32 class, and
 * fill @img: headers
 * inside the file, segments inside the file and not wrapping, notes well formed. Returns 0 or
 * -ENOEXEC with a sentence in *@why.
 */
int elf_parse(const void *data, uint64_t size, struct elf_image *img, const char **why);

/**
 * Check the Xen notes of @img for a 64-bit PV guest the way a builder must: ELF-64 class,
 * XEN_VERSION "xen-3.0",
 * LOADER "generic" or GUEST_OS "linux", an entry point, required features Argon supports
 * (@supported, a XENFEAT bitmap). Returns 0 or -ENOEXEC/-EOPNOTSUPP with a sentence in *@why.
 */
int xen_notes_check(const struct elf_image *img, uint32_t supported, const char **why);

#endif
