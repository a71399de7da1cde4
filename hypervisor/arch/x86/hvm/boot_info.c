/*
 * Start-of-day information for HVM kernels: the Multiboot2 information block (Multiboot2
 * specification 2.0, section 3.6) and PVH's struct hvm_start_info version 1
 * (include/public/arch-x86/hvm/start_info.h). Portable: the blocks are written into a buffer.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/multiboot2.h>
#include <argon/unaligned.h>
#include <asm/hvm/boot_info.h>
#include <public/arch-x86/hvm/start_info.h>

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define LOADER_NAME "Argon"

/* A tag writer over a bounded buffer: every write checks for room first. */
struct tagbuf {
	uint8_t *buf;
	size_t size, off;
	bool full;
};

static uint8_t *tag_open(struct tagbuf *t, uint32_t type, size_t len)
{
	uint8_t *p;

	if (t->full || len > t->size - t->off || len > UINT32_MAX) {
		t->full = true;
		return NULL;
	}
	p = t->buf + t->off;
	put_le32(p, type);
	put_le32(p + 4, (uint32_t)len);
	t->off = ALIGN_UP(t->off + len, 8);
	if (t->off > t->size) {
		t->full = true;
		return NULL;
	}
	return p;
}

static void tag_string(struct tagbuf *t, uint32_t type, const char *s)
{
	size_t n = strlen(s) + 1;
	uint8_t *p = tag_open(t, type, 8 + n);

	if (p) {
		memcpy(p + 8, s, n);
	}
}

int hvm_mb2_info_build(const struct hvm_boot_info *b, uint8_t *buf, size_t size)
{
	struct tagbuf t = { .buf = buf, .size = size, .off = 8 };
	unsigned int i;
	uint8_t *p;

	if (size < 8) {
		return -E2BIG;
	}
	memset(buf, 0, size);
	tag_string(&t, MB2_TAG_CMDLINE, b->cmdline ? b->cmdline : "");
	tag_string(&t, MB2_TAG_LOADER_NAME, LOADER_NAME);
	p = tag_open(&t, MB2_TAG_BASIC_MEMINFO, 16);
	if (p) {
		/* KiB below the EBDA, and KiB of RAM from 1 MiB up to the first hole. */
		put_le32(p + 8, HVM_EBDA_GPA >> 10);
		put_le32(p + 12, (uint32_t)((MIN(b->mem, (uint64_t)GB(4)) - MB(1)) >> 10));
	}
	p = tag_open(&t, MB2_TAG_MMAP, 16 + 24 * (size_t)b->nr_e820);
	if (p) {
		put_le32(p + 8, 24);	/* entry_size */
		put_le32(p + 12, 0);	/* entry_version */
		for (i = 0; i < b->nr_e820; i++) {
			uint8_t *e = p + 16 + 24 * i;

			put_le64(e, b->e820[i].addr);
			put_le64(e + 8, b->e820[i].size);
			put_le32(e + 16, b->e820[i].type);
		}
	}
	if (b->rsdp) {
		/* The revision-0 copy is the first 20 bytes, which carry their own checksum. */
		p = tag_open(&t, MB2_TAG_ACPI_OLD, 8 + RSDP_V1_LEN);
		if (p) {
			memcpy(p + 8, b->rsdp, RSDP_V1_LEN);
		}
		p = tag_open(&t, MB2_TAG_ACPI_NEW, 8 + RSDP_V2_LEN);
		if (p) {
			memcpy(p + 8, b->rsdp, RSDP_V2_LEN);
		}
	}
	if (b->has_module) {
		p = tag_open(&t, MB2_TAG_MODULE, 16 + 1);	/* empty command line */
		if (p) {
			put_le32(p + 8, (uint32_t)b->module_gpa);
			put_le32(p + 12, (uint32_t)(b->module_gpa + b->module_len));
		}
	}
	tag_open(&t, MB2_TAG_END, 8);
	if (t.full) {
		return -E2BIG;
	}
	put_le32(buf, (uint32_t)t.off);	/* total_size */
	put_le32(buf + 4, 0);		/* reserved */
	return (int)t.off;
}

int hvm_pvh_info_build(const struct hvm_boot_info *b, uint64_t gpa, uint8_t *buf, size_t size)
{
	struct hvm_start_info si = { 0 };
	size_t mod_off = ALIGN_UP(sizeof(si), 8);
	size_t map_off = mod_off + (b->has_module ? sizeof(struct hvm_modlist_entry) : 0);
	size_t cmd_off = ALIGN_UP(map_off + b->nr_e820 * sizeof(struct hvm_memmap_table_entry), 8);
	const char *cmdline = b->cmdline ? b->cmdline : "";
	size_t end = cmd_off + strlen(cmdline) + 1;
	unsigned int i;

	if (end > size) {
		return -E2BIG;
	}
	memset(buf, 0, size);
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.flags = 0;			/* an unprivileged domain: neither SIF_PRIVILEGED nor INITDOMAIN */
	si.cmdline_paddr = gpa + cmd_off;
	si.rsdp_paddr = b->rsdp ? b->rsdp_gpa : 0;
	si.memmap_paddr = gpa + map_off;
	si.memmap_entries = b->nr_e820;
	if (b->has_module) {
		struct hvm_modlist_entry m = { .paddr = b->module_gpa, .size = b->module_len };

		si.nr_modules = 1;
		si.modlist_paddr = gpa + mod_off;
		memcpy(buf + mod_off, &m, sizeof(m));
	}
	for (i = 0; i < b->nr_e820; i++) {
		struct hvm_memmap_table_entry e = {
			.addr = b->e820[i].addr, .size = b->e820[i].size, .type = b->e820[i].type,
		};

		memcpy(buf + map_off + i * sizeof(e), &e, sizeof(e));
	}
	memcpy(buf + cmd_off, cmdline, strlen(cmdline) + 1);
	memcpy(buf, &si, sizeof(si));
	return (int)end;
}
