/*
 * Multiboot2 boot-information parser. The block comes from the boot loader, so nothing in it is
 * trusted: every read is bounds-checked against the declared total size, and the declared total
 * size itself is bounded.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/unaligned.h>
#include <argon/multiboot2.h>

static int reject(mb2_report_fn report, int rc, const char *why)
{
	if (report) {
		report(why);
	}
	return rc;
}

/* A string field must end with a NUL inside its tag. */
static const char *tag_string(const uint8_t *s, uint32_t room)
{
	return strnlen((const char *)s, room) < room ? (const char *)s : NULL;
}

static int parse_mmap(const uint8_t *tag, uint32_t size, struct mb2_info *out, mb2_report_fn report)
{
	uint32_t entry_size, off;

	if (size < 16) {
		return reject(report, -EINVAL, "memory map tag too short");
	}
	entry_size = get_le32(tag + 8);
	if (get_le32(tag + 12) != 0) {
		return reject(report, -EINVAL, "memory map entry version is not 0");
	}
	if (entry_size < 24 || entry_size % 8 || (size - 16) % entry_size) {
		return reject(report, -EINVAL, "memory map entry size is invalid");
	}
	for (off = 16; off < size; off += entry_size) {
		struct mb2_mmap_entry *e;
		uint64_t addr = get_le64(tag + off), len = get_le64(tag + off + 8);

		if (len == 0) {
			continue;
		}
		if (addr + len < addr) {
			return reject(report, -EINVAL, "memory map range wraps around");
		}
		if (out->nr_mmap == MB2_MAX_MMAP) {
			return reject(report, -E2BIG, "memory map has too many entries");
		}
		e = &out->mmap[out->nr_mmap++];
		e->addr = addr;
		e->len = len;
		e->type = get_le32(tag + off + 16);
	}
	return 0;
}

static int parse_module(const uint8_t *tag, uint32_t size, struct mb2_info *out,
			mb2_report_fn report)
{
	struct mb2_module *m;

	if (size < 17) {
		return reject(report, -EINVAL, "module tag too short");
	}
	if (out->nr_modules == MB2_MAX_MODULES) {
		return reject(report, -E2BIG, "too many modules");
	}
	m = &out->modules[out->nr_modules];
	m->start = get_le32(tag + 8);
	m->end = get_le32(tag + 12);
	m->cmdline = tag_string(tag + 16, size - 16);
	if (m->end < m->start) {
		return reject(report, -EINVAL, "module ends before it starts");
	}
	if (!m->cmdline) {
		return reject(report, -EINVAL, "module command line is not terminated");
	}
	out->nr_modules++;
	return 0;
}

int mb2_parse(const void *mbi, struct mb2_info *out, mb2_report_fn report)
{
	const uint8_t *base = mbi;
	uint32_t total, off;
	bool seen_end = false, seen_mmap = false;

	memset(out, 0, sizeof(*out));
	if (!mbi || ((uintptr_t)mbi & 7)) {
		return reject(report, -EINVAL, "information block is missing or misaligned");
	}
	total = get_le32(base);
	if (total < 16 || total > MB2_MAX_INFO_SIZE || total % 8) {
		return reject(report, -EINVAL, "information block has an invalid total size");
	}
	out->total_size = total;
	for (off = 8; off + 8 <= total; off = ALIGN_UP(off + get_le32(base + off + 4), 8u)) {
		const uint8_t *tag = base + off;
		uint32_t type = get_le32(tag), size = get_le32(tag + 4);
		int rc = 0;

		if (size < 8 || size > total - off) {
			return reject(report, -EINVAL, "tag size runs past the information block");
		}
		switch (type) {
		case MB2_TAG_END:
			if (size != 8) {
				return reject(report, -EINVAL, "end tag has the wrong size");
			}
			seen_end = true;
			break;
		case MB2_TAG_CMDLINE:
			if (out->cmdline) {
				return reject(report, -EINVAL, "command line given twice");
			}
			out->cmdline = tag_string(tag + 8, size - 8);
			if (!out->cmdline) {
				return reject(report, -EINVAL, "command line is not terminated");
			}
			break;
		case MB2_TAG_LOADER_NAME:
			out->loader_name = tag_string(tag + 8, size - 8);
			if (!out->loader_name) {
				return reject(report, -EINVAL, "boot loader name is not terminated");
			}
			break;
		case MB2_TAG_BASIC_MEMINFO:
			if (size < 16) {
				return reject(report, -EINVAL, "basic memory information tag too short");
			}
			out->has_meminfo = true;
			out->mem_lower_kb = get_le32(tag + 8);
			out->mem_upper_kb = get_le32(tag + 12);
			break;
		case MB2_TAG_MMAP:
			if (seen_mmap) {
				return reject(report, -EINVAL, "memory map given twice");
			}
			seen_mmap = true;
			rc = parse_mmap(tag, size, out, report);
			break;
		case MB2_TAG_MODULE:
			rc = parse_module(tag, size, out, report);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW: {
			uint32_t need = type == MB2_TAG_ACPI_NEW ? 36 : 20;

			if (size - 8 < need || memcmp(tag + 8, "RSD PTR ", 8)) {
				return reject(report, -EINVAL, "ACPI RSDP tag is malformed");
			}
			/* The ACPI 2.0 copy, when present, wins over the 1.0 one. */
			if (type == MB2_TAG_ACPI_NEW || !out->rsdp_is_v2) {
				out->rsdp = tag + 8;
				out->rsdp_len = need;
				out->rsdp_is_v2 = type == MB2_TAG_ACPI_NEW;
			}
			break;
		}
		default:
			/* Tags Argon does not use are skipped, as the specification requires. */
			break;
		}
		if (rc) {
			return rc;
		}
		if (seen_end) {
			break;
		}
	}
	if (!seen_end) {
		return reject(report, -EINVAL, "end tag missing");
	}
	return 0;
}
