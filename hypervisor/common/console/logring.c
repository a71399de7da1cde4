/* The log ring (see logring.h); portable, no locking of its own (the console lock covers it). */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/logring.h>

int logring_init(struct logring *r, char *buf, size_t size)
{
	if (size == 0 || (size & (size - 1))) {
		return -EINVAL;
	}
	r->buf = buf;
	r->size = size;
	r->head = 0;
	r->tail = 0;
	return 0;
}

static char at(const struct logring *r, uint64_t pos)
{
	return r->buf[pos & (r->size - 1)];
}

void logring_write(struct logring *r, const char *s, size_t n)
{
	size_t i;

	if (n > r->size) {
		/* Only the last r->size bytes can survive; start them at a line boundary. */
		const char *keep = s + n - r->size;
		const char *nl = keep;

		while (nl < s + n && nl[-1] != '\n') {
			nl++;
		}
		/* The skipped bytes still count, so a reader's cursor shows it lost them. */
		r->head += (uint64_t)(nl - s);
		r->tail = r->head;
		n -= (size_t)(nl - s);
		s = nl;
	}
	/* Make room first, while the oldest bytes can still be read to find their line ends. */
	while (r->head + n - r->tail > r->size) {
		uint64_t t = r->tail;

		while (t < r->head && at(r, t) != '\n') {
			t++;
		}
		r->tail = t < r->head ? t + 1 : r->head;
	}
	for (i = 0; i < n; i++) {
		r->buf[(r->head + i) & (r->size - 1)] = s[i];
	}
	r->head += n;
}

size_t logring_read(const struct logring *r, uint64_t *pos, char *out, size_t n, uint64_t *lost)
{
	uint64_t p = *pos;
	size_t copied = 0;

	if (lost) {
		*lost = 0;
	}
	if (p < r->tail) {
		if (lost) {
			*lost = r->tail - p;
		}
		p = r->tail;
	}
	if (p > r->head) {
		p = r->head;
	}
	while (p < r->head && copied < n) {
		out[copied++] = at(r, p++);
	}
	*pos = p;
	return copied;
}
