/*
 * Multiboot2 kernel headers (specification 2.0, section 3.1). Every field is read through bounds
 * checks against the image and the header's own length: the image is an untrusted boot module.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mb2_header.h>
#include <argon/multiboot2.h>
#include <argon/unaligned.h>

static int fail(const char **why, int rc, const char *msg)
{
	*why = msg;
	return rc;
}

/* The magic with a checksum that adds up: a header candidate at @off. */
static bool header_at(const uint8_t *p, uint64_t off, uint64_t len)
{
	if (len - off < 16 || get_le32(p + off) != MB2_HEADER_MAGIC) {
		return false;
	}
	return (uint32_t)(get_le32(p + off) + get_le32(p + off + 4) + get_le32(p + off + 8) +
			  get_le32(p + off + 12)) == 0;
}

static int check_address(struct mb2_header *h, uint64_t len, const char **why)
{
	uint64_t back = (uint64_t)h->header_addr - h->load_addr;

	/* The file is loaded from the point that lands at load_addr: the header's own offset minus
	 * its distance from load_addr. */
	if (h->load_addr > h->header_addr || back > h->offset) {
		return fail(why, -ENOEXEC, "address tag: load_addr is above the header or the file");
	}
	h->file_offset = h->offset - back;
	if (h->load_end_addr == 0) {
		h->file_len = len - h->file_offset;
	} else if (h->load_end_addr <= h->load_addr ||
		   h->load_end_addr - h->load_addr > len - h->file_offset) {
		return fail(why, -ENOEXEC, "address tag: load_end_addr is outside the image");
	} else {
		h->file_len = h->load_end_addr - h->load_addr;
	}
	h->mem_len = h->file_len;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + h->file_len) {
			return fail(why, -ENOEXEC, "address tag: bss_end_addr is below the loaded end");
		}
		h->mem_len = h->bss_end_addr - h->load_addr;
	}
	return 0;
}

static int parse_tags(const uint8_t *hdr, struct mb2_header *h, uint32_t provided, const char **why)
{
	uint32_t off = 16;

	while (off + 8 <= h->length) {
		const uint8_t *t = hdr + off;
		uint16_t type = get_le16(t), flags = get_le16(t + 2);
		uint32_t size = get_le32(t + 4), i;
		bool optional = flags & MB2_HTAG_OPTIONAL;

		if (size < 8 || size > h->length - off) {
			return fail(why, -ENOEXEC, "a header tag runs past the header");
		}
		switch (type) {
		case MB2_HTAG_END:
			if (size != 8) {
				return fail(why, -ENOEXEC, "the end tag has the wrong size");
			}
			return 0;
		case MB2_HTAG_INFO_REQUEST:
			for (i = 8; i + 4 <= size; i += 4) {
				uint32_t want = get_le32(t + i);

				if (!optional && (want >= 32 || !(provided & (1u << want)))) {
					return fail(why, -EOPNOTSUPP,
						    "a mandatory information request Argon cannot meet");
				}
				if (want < 32) {
					h->required_info |= optional ? 0 : 1u << want;
				}
			}
			break;
		case MB2_HTAG_ADDRESS:
			if (size < 24) {
				return fail(why, -ENOEXEC, "the address tag is too short");
			}
			h->has_address = true;
			h->header_addr = get_le32(t + 8);
			h->load_addr = get_le32(t + 12);
			h->load_end_addr = get_le32(t + 16);
			h->bss_end_addr = get_le32(t + 20);
			break;
		case MB2_HTAG_ENTRY:
			if (size < 12) {
				return fail(why, -ENOEXEC, "the entry address tag is too short");
			}
			h->has_entry = true;
			h->entry_addr = get_le32(t + 8);
			break;
		case MB2_HTAG_CONSOLE:
		case MB2_HTAG_MODULE_ALIGN:
		case MB2_HTAG_RELOCATABLE:
			/* Honoured as they stand: modules are page-aligned, the kernel goes where its
			 * headers say (a relocatable kernel's preferred address), and the console is
			 * the serial port whatever the flags ask. */
			break;
		case MB2_HTAG_FRAMEBUFFER:
		case MB2_HTAG_EFI_BS:
		case MB2_HTAG_ENTRY_EFI32:
		case MB2_HTAG_ENTRY_EFI64:
		default:
			if (!optional) {
				return fail(why, -EOPNOTSUPP,
					    "a mandatory header tag Argon does not support (framebuffer, EFI)");
			}
			break;
		}
		off += ALIGN_UP(size, 8u);
	}
	return fail(why, -ENOEXEC, "the header has no end tag");
}

int mb2_header_parse(const void *image, uint64_t len, uint32_t provided, struct mb2_header *h,
		     const char **why)
{
	const uint8_t *p = image;
	uint64_t window = MIN(len, (uint64_t)MB2_HEADER_SEARCH), off;
	int rc;

	memset(h, 0, sizeof(*h));
	for (off = 0; off + 16 <= window; off += 8) {
		if (header_at(p, off, window)) {
			break;
		}
	}
	if (off + 16 > window) {
		return fail(why, -ENOENT, "no Multiboot2 header");
	}
	h->offset = (uint32_t)off;
	h->length = get_le32(p + off + 8);
	if (get_le32(p + off + 4) != MB2_ARCH_I386) {
		return fail(why, -EOPNOTSUPP, "the header is not for i386 protected mode");
	}
	if (h->length < 16 + 8 || h->length % 8 || h->length > window - off) {
		return fail(why, -ENOEXEC, "header_length is outside the first 32 KiB");
	}
	rc = parse_tags(p + off, h, provided, why);
	if (rc) {
		return rc;
	}
	if (h->has_address) {
		if (!h->has_entry) {
			return fail(why, -ENOEXEC, "an address tag without an entry address tag");
		}
		return check_address(h, len, why);
	}
	return 0;
}
