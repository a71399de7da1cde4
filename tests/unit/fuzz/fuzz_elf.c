/* libFuzzer target: elf_parse() (both classes, the Xen notes) and the PV note check over arbitrary bytes. */
#include <stdlib.h>
#include <argon/elf.h>
#include <argon/lib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img;
	const char *why;
	uint8_t *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	if (!elf_parse(buf, size, &img, &why)) {
		(void)xen_notes_check(&img, ~0u, &why);
	}
	free(buf);
	return 0;
}
