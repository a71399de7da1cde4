/*
 * ACPI table walk. The tables are firmware data: every length is checked against what was mapped
 * and every checksum verified before a field is used.
 */
#include <argon/acpi.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/unaligned.h>

#define SDT_HEADER_LEN 36

static bool checksum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--) {
		sum += *p++;
	}
	return sum == 0;
}

static void note(void (*report)(const char *what), const char *what)
{
	if (report) {
		report(what);
	}
}

/* Map a whole system description table (header first, then its declared length). */
static const uint8_t *map_table(acpi_map_fn map, paddr_t pa)
{
	const uint8_t *h = map(pa, SDT_HEADER_LEN);
	uint32_t len;

	if (!h) {
		return NULL;
	}
	len = get_le32(h + 4);
	if (len < SDT_HEADER_LEN || len > (1u << 24)) {
		return NULL;
	}
	h = map(pa, len);
	return h && checksum_ok(h, len) ? h : NULL;
}

static void parse_madt(const uint8_t *t, struct acpi_madt_info *m)
{
	uint32_t len = get_le32(t + 4), off = SDT_HEADER_LEN + 8;

	memset(m, 0, sizeof(*m));
	if (len < off) {
		return;
	}
	m->lapic_addr = get_le32(t + 36);
	m->pcat_compat = get_le32(t + 40) & 1;
	while (off + 2 <= len) {
		uint8_t type = t[off], elen = t[off + 1];
		const uint8_t *e = t + off;

		if (elen < 2 || off + elen > len) {
			break;	/* a broken entry length: nothing after it can be trusted */
		}
		switch (type) {
		case 0:	/* processor local APIC */
			if (elen >= 8 && m->nr_cpus < ACPI_MAX_CPUS && (get_le32(e + 4) & 3)) {
				m->cpus[m->nr_cpus].uid = e[2];
				m->cpus[m->nr_cpus].apic_id = e[3];
				m->cpus[m->nr_cpus].enabled = get_le32(e + 4) & 1;
				m->nr_cpus++;
			}
			break;
		case 1:	/* I/O APIC */
			if (elen >= 12 && m->nr_ioapics < ACPI_MAX_IOAPICS) {
				m->ioapics[m->nr_ioapics].id = e[2];
				m->ioapics[m->nr_ioapics].addr = get_le32(e + 4);
				m->ioapics[m->nr_ioapics].gsi_base = get_le32(e + 8);
				m->nr_ioapics++;
			}
			break;
		case 2:	/* interrupt source override */
			if (elen >= 10 && m->nr_overrides < ACPI_MAX_OVERRIDES) {
				m->overrides[m->nr_overrides].source_irq = e[3];
				m->overrides[m->nr_overrides].gsi = get_le32(e + 4);
				m->overrides[m->nr_overrides].flags = (uint16_t)(e[8] | (e[9] << 8));
				m->nr_overrides++;
			}
			break;
		case 9:	/* processor local x2APIC */
			if (elen >= 16 && m->nr_cpus < ACPI_MAX_CPUS && (get_le32(e + 8) & 3)) {
				m->cpus[m->nr_cpus].apic_id = get_le32(e + 4);
				m->cpus[m->nr_cpus].enabled = get_le32(e + 8) & 1;
				m->cpus[m->nr_cpus].uid = get_le32(e + 12);
				m->nr_cpus++;
			}
			break;
		default:
			break;
		}
		off += elen;
	}
}

int acpi_parse(const void *rsdp, uint32_t len, acpi_map_fn map, struct acpi_info *out,
	       void (*report)(const char *what))
{
	const uint8_t *r = rsdp, *root;
	paddr_t root_pa;
	uint32_t entry_size, i, n;

	memset(out, 0, sizeof(*out));
	if (len < 20 || memcmp(r, "RSD PTR ", 8) || !checksum_ok(r, 20)) {
		note(report, "RSDP signature or checksum is bad");
		return -EINVAL;
	}
	out->revision = r[15];
	memcpy(out->oem_id, r + 9, 6);
	if (out->revision >= 2 && len >= 36 && get_le32(r + 20) >= 36 && checksum_ok(r, 36) &&
	    get_le64(r + 24)) {
		root_pa = get_le64(r + 24);
		entry_size = 8;
	} else {
		root_pa = get_le32(r + 16);
		entry_size = 4;
	}
	root = map_table(map, root_pa);
	if (!root || memcmp(root, entry_size == 8 ? "XSDT" : "RSDT", 4)) {
		note(report, "root system description table is missing or corrupt");
		return -EINVAL;
	}
	n = (get_le32(root + 4) - SDT_HEADER_LEN) / entry_size;
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HEADER_LEN + i * entry_size;
		paddr_t pa = entry_size == 8 ? get_le64(e) : get_le32(e);
		const uint8_t *t = map_table(map, pa);

		if (!t) {
			note(report,
			     "a table listed in the root table is unreadable or fails its checksum");
			continue;
		}
		if (out->nr_tables < ACPI_MAX_TABLES) {
			memcpy(out->signatures[out->nr_tables], t, 4);
			out->signatures[out->nr_tables][4] = '\0';
			out->table_addr[out->nr_tables] = pa;
			out->nr_tables++;
		}
		if (!memcmp(t, "APIC", 4) && !out->has_madt) {
			parse_madt(t, &out->madt);
			out->has_madt = true;
		}
	}
	return 0;
}
