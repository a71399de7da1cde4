/*
 * ELF parsing for kernels (System V ABI, ELF-64 and ELF-32 object formats; Xen's note
 * conventions): PV kernels (pv/dom_build.c) and HVM kernels (hvm/build.c, hvm/pvh.c). Images of
 * either class are accepted with the x86-64 machine type, because PVH kernels come both ways
 * (Linux's vmlinux is ELF64; 32-bit-built kernels relabelled for x86-64 are ELF32).
 * Every offset and size read from the image is checked against the image size before use.
 */
#include <argon/elf.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/unaligned.h>
#include <public/elfnote.h>
#include <public/features.h>

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define EHDR64_SIZE 64
#define PHDR64_SIZE 56
#define EHDR32_SIZE 52
#define PHDR32_SIZE 32
#define MAX_PHDRS 64

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -ENOEXEC;
}

/* True if [off, off + len) lies inside an image of @size bytes. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Read an integer note of 4 or 8 bytes. */
static bool note_int(const uint8_t *desc, uint32_t len, uint64_t *out)
{
	if (len == 8) {
		*out = get_le64(desc);
	} else if (len == 4) {
		*out = get_le32(desc);
	} else {
		return false;
	}
	return true;
}

static const char *const feature_names[] = {
	[XENFEAT_writable_page_tables] = "writable_page_tables",
	[XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
	[XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[XENFEAT_dom0] = "dom0",
};

/* Parse "a|!b|c": names prefixed with '!' are required; unknown names are ignored as Xen does. */
static void parse_features(const char *s, uint32_t len, struct xen_notes *n)
{
	uint32_t i = 0;

	while (i < len && s[i]) {
		bool required = s[i] == '!';
		uint32_t start = i + required, end = start;
		size_t f;

		while (end < len && s[end] && s[end] != '|') {
			end++;
		}
		for (f = 0; f < ARRAY_SIZE(feature_names); f++) {
			if (feature_names[f] && strlen(feature_names[f]) == end - start &&
			    !strncmp(feature_names[f], s + start, end - start)) {
				if (required) {
					n->required_features |= 1u << f;
				}
			}
		}
		i = end + (end < len && s[end] == '|');
	}
}

static int parse_notes(struct elf_image *img, uint64_t off, uint64_t len, const char **why)
{
	const uint8_t *p = img->data + off, *end = p + len;
	struct xen_notes *n = &img->notes;

	while (end - p >= 12) {
		uint32_t namesz = get_le32(p), descsz = get_le32(p + 4), type = get_le32(p + 8);
		uint64_t name_room = ALIGN_UP((uint64_t)namesz, 4), desc_room = ALIGN_UP((uint64_t)descsz, 4);
		const uint8_t *name = p + 12, *desc = name + name_room;
		uint64_t v;

		if (name_room > (uint64_t)(end - name) || desc_room > (uint64_t)(end - desc)) {
			return fail(why, "an ELF note runs past its segment");
		}
		if (namesz == 4 && !memcmp(name, "Xen", 4)) {
			const char *str = (const char *)desc;
			/* String notes must hold their NUL inside the note. */
			bool is_str = descsz > 0 && strnlen(str, descsz) < descsz;

			img->has_xen_notes = true;
			switch (type) {
			case XEN_ELFNOTE_ENTRY:
				if (!note_int(desc, descsz, &n->entry)) {
					return fail(why, "ENTRY note is not a 4- or 8-byte integer");
				}
				n->has_entry = true;
				break;
			case XEN_ELFNOTE_HYPERCALL_PAGE:
				if (!note_int(desc, descsz, &n->hypercall_page)) {
					return fail(why, "HYPERCALL_PAGE note is not an integer");
				}
				n->has_hypercall_page = true;
				break;
			case XEN_ELFNOTE_VIRT_BASE:
				if (!note_int(desc, descsz, &n->virt_base)) {
					return fail(why, "VIRT_BASE note is not an integer");
				}
				break;
			case XEN_ELFNOTE_PADDR_OFFSET:
				if (!note_int(desc, descsz, &n->paddr_offset)) {
					return fail(why, "PADDR_OFFSET note is not an integer");
				}
				break;
			case XEN_ELFNOTE_INIT_P2M:
				if (!note_int(desc, descsz, &n->init_p2m)) {
					return fail(why, "INIT_P2M note is not an integer");
				}
				n->has_init_p2m = true;
				break;
			case XEN_ELFNOTE_PHYS32_ENTRY:
				if (!note_int(desc, descsz, &n->phys32_entry) ||
				    n->phys32_entry > UINT32_MAX) {
					return fail(why, "PHYS32_ENTRY note is not a 32-bit address");
				}
				n->has_phys32_entry = true;
				break;
			case XEN_ELFNOTE_MOD_START_PFN:
				if (!note_int(desc, descsz, &v)) {
					return fail(why, "MOD_START_PFN note is not an integer");
				}
				n->mod_start_pfn = v != 0;
				break;
			case XEN_ELFNOTE_SUPPORTED_FEATURES:
				if (!note_int(desc, descsz, &v)) {
					return fail(why, "SUPPORTED_FEATURES note is not an integer");
				}
				n->supported_features = (uint32_t)v;
				break;
			case XEN_ELFNOTE_FEATURES:
				/*
				 * Linux emits this note with .ascii, without a NUL: the string
				 * is bounded by the note's size (as in Xen's libelf).
				 */
				parse_features(str, descsz, n);
				break;
			case XEN_ELFNOTE_GUEST_OS:
			case XEN_ELFNOTE_GUEST_VERSION:
			case XEN_ELFNOTE_XEN_VERSION:
			case XEN_ELFNOTE_LOADER:
				if (!is_str) {
					return fail(why, "a string note is not NUL-terminated");
				}
				if (type == XEN_ELFNOTE_GUEST_OS) {
					n->guest_os = str;
					n->guest_os_len = descsz;
				} else if (type == XEN_ELFNOTE_GUEST_VERSION) {
					n->guest_version = str;
					n->guest_version_len = descsz;
				} else if (type == XEN_ELFNOTE_XEN_VERSION) {
					n->xen_version = str;
					n->xen_version_len = descsz;
				} else {
					n->loader = str;
					n->loader_len = descsz;
				}
				break;
			default:
				/* Notes for other loaders and tools (PAE_MODE, L1_MFN_VALID, ...) are ignored. */
				break;
			}
		}
		p = desc + desc_room;
	}
	return 0;
}

/* One program header of either class, widened to the ELF-64 fields. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void read_phdr(const uint8_t *ph, bool is64, struct phdr *p)
{
	p->type = get_le32(ph);
	if (is64) {
		p->flags = get_le32(ph + 4);
		p->offset = get_le64(ph + 8);
		p->vaddr = get_le64(ph + 16);
		p->paddr = get_le64(ph + 24);
		p->filesz = get_le64(ph + 32);
		p->memsz = get_le64(ph + 40);
	} else {
		p->offset = get_le32(ph + 4);
		p->vaddr = get_le32(ph + 8);
		p->paddr = get_le32(ph + 12);
		p->filesz = get_le32(ph + 16);
		p->memsz = get_le32(ph + 20);
		p->flags = get_le32(ph + 24);
	}
}

int elf_parse(const void *data, uint64_t size, struct elf_image *img, const char **why)
{
	const uint8_t *e = data;
	uint64_t phoff;
	uint16_t phentsize, phnum, i, want_phentsize;
	bool is64;
	int rc;

	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	img->pstart = UINT64_MAX;
	if (size < EHDR32_SIZE || memcmp(e, "\177ELF", 4)) {
		return fail(why, "not an ELF image");
	}
	if ((e[EI_CLASS] != ELFCLASS64 && e[EI_CLASS] != ELFCLASS32) || e[EI_DATA] != ELFDATA2LSB) {
		return fail(why, "not a little-endian ELF-32 or ELF-64 image");
	}
	is64 = e[EI_CLASS] == ELFCLASS64;
	if (is64 && size < EHDR64_SIZE) {
		return fail(why, "not an ELF image");
	}
	img->is_elf32 = !is64;
	if (get_le16(e + 16) != ET_EXEC || get_le16(e + 18) != EM_X86_64) {
		return fail(why, "not an x86-64 executable");
	}
	if (is64) {
		img->entry = get_le64(e + 24);
		phoff = get_le64(e + 32);
		phentsize = get_le16(e + 54);
		phnum = get_le16(e + 56);
		want_phentsize = PHDR64_SIZE;
	} else {
		img->entry = get_le32(e + 24);
		phoff = get_le32(e + 28);
		phentsize = get_le16(e + 42);
		phnum = get_le16(e + 44);
		want_phentsize = PHDR32_SIZE;
	}
	if (phentsize != want_phentsize || phnum == 0 || phnum > MAX_PHDRS ||
	    !inside(phoff, (uint64_t)phnum * phentsize, size)) {
		return fail(why, "program headers are missing or outside the image");
	}
	for (i = 0; i < phnum; i++) {
		struct phdr ph;

		read_phdr(e + phoff + (uint64_t)i * phentsize, is64, &ph);
		if (ph.type == PT_NOTE) {
			if (!inside(ph.offset, ph.filesz, size)) {
				return fail(why, "a note segment lies outside the image");
			}
			rc = parse_notes(img, ph.offset, ph.filesz, why);
			if (rc) {
				return rc;
			}
			continue;
		}
		if (ph.type != PT_LOAD || ph.memsz == 0) {
			continue;
		}
		if (img->nr_segments == ELF_MAX_SEGMENTS) {
			return fail(why, "too many loadable segments");
		}
		struct elf_segment *s = &img->segments[img->nr_segments++];

		s->offset = ph.offset;
		s->filesz = ph.filesz;
		s->memsz = ph.memsz;
		s->vaddr = ph.vaddr;
		s->paddr = ph.paddr;
		s->flags = ph.flags;
		if (ph.filesz > ph.memsz || !inside(ph.offset, ph.filesz, size) ||
		    s->paddr + ph.memsz < s->paddr) {
			return fail(why, "a loadable segment is malformed or outside the image");
		}
		img->pstart = MIN(img->pstart, s->paddr);
		img->pend = MAX(img->pend, s->paddr + ph.memsz);
	}
	if (!img->nr_segments) {
		return fail(why, "no loadable segment");
	}
	return 0;
}

static bool note_is(const char *s, uint32_t len, const char *want)
{
	return s && strnlen(s, len) == strlen(want) && !strcmp(s, want);
}

int xen_notes_check(const struct elf_image *img, uint32_t supported, const char **why)
{
	const struct xen_notes *n = &img->notes;

	if (img->is_elf32) {
		return fail(why, "an ELF-32 image: Argon runs 64-bit PV kernels only");
	}
	if (!img->has_xen_notes) {
		return fail(why, "no Xen ELF notes: not a PV kernel");
	}
	if (!note_is(n->xen_version, n->xen_version_len, "xen-3.0")) {
		return fail(why, "XEN_VERSION note is missing or not \"xen-3.0\"");
	}
	if (!note_is(n->loader, n->loader_len, "generic") &&
	    !note_is(n->guest_os, n->guest_os_len, "linux")) {
		return fail(why, "neither LOADER \"generic\" nor GUEST_OS \"linux\"");
	}
	if (!n->has_entry) {
		return fail(why, "no ENTRY note");
	}
	/* A requirement the kernel itself declares supported (SUPPORTED_FEATURES) counts as met. */
	if (n->required_features & ~(supported | n->supported_features)) {
		*why = "the kernel requires a feature Argon does not offer";
		return -EOPNOTSUPP;
	}
	if (n->paddr_offset > n->virt_base) {
		return fail(why, "PADDR_OFFSET is above VIRT_BASE");
	}
	return 0;
}
