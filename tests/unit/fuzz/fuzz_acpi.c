/*
 * libFuzzer target: acpi_parse() with the input as physical memory from address 0x1000 and the
 * RSDP as its first 36 bytes. Every map() is a fresh exact-size copy so over-reads are caught.
 */
#include <stdlib.h>
#include <argon/acpi.h>
#include <argon/lib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0x1000

static const uint8_t *mem;
static size_t mem_size;
static void *maps[256];
static unsigned int nr_maps;

static const void *map(paddr_t pa, uint64_t len)
{
	void *p;

	if (pa < BASE || len > mem_size || pa - BASE > mem_size - len || nr_maps == 256) {
		return NULL;
	}
	p = malloc(len ? len : 1);
	memcpy(p, mem + (pa - BASE), len);
	maps[nr_maps++] = p;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	uint8_t rsdp[36];

	if (size < sizeof(rsdp)) {
		return 0;
	}
	memcpy(rsdp, data, sizeof(rsdp));
	mem = data;
	mem_size = size;
	acpi_parse(rsdp, sizeof(rsdp), map, &info, NULL);
	while (nr_maps) {
		free(maps[--nr_maps]);
	}
	return 0;
}
