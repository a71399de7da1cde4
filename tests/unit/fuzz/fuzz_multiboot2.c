/* libFuzzer target: mb2_parse() over arbitrary bytes in an exactly sized, 8-aligned buffer. */
#include <stdlib.h>
#include <argon/lib.h>
#include <argon/multiboot2.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_info info;
	uint8_t head[4] = { 0 };
	uint32_t total;
	size_t len = size < 8 ? 8 : size;
	uint8_t *buf;

	/* The loader vouches for the total size it declares, so the buffer covers it. */
	memcpy(head, data, size < 4 ? size : 4);
	memcpy(&total, head, 4);
	if (total <= MB2_MAX_INFO_SIZE && total > len) {
		len = total;
	}
	buf = aligned_alloc(8, ALIGN_UP(len, 8));
	memset(buf, 0, ALIGN_UP(len, 8));
	memcpy(buf, data, size);
	mb2_parse(buf, &info, NULL);
	free(buf);
	return 0;
}
