/* libFuzzer target: mb2_header_parse() over arbitrary kernel-image bytes in an exactly sized buffer. */
#include <stdlib.h>
#include <argon/lib.h>
#include <argon/mb2_header.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_header h;
	const char *why;
	uint8_t *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	(void)mb2_header_parse(buf, size, ~0u, &h, &why);
	free(buf);
	return 0;
}
