/* The hypervisor log ring: every console line is kept here for later readers (`xl dmesg`). */
#ifndef ARGON_LOGRING_H
#define ARGON_LOGRING_H

#include <argon/types.h>

/**
 * A byte ring over a power-of-two buffer. Positions are absolute byte counts since the ring was
 * created, so a reader's cursor stays meaningful after the ring wraps: bytes before @tail are gone.
 * When writing would overrun, the oldest whole lines are dropped, so readers never see half a line.
 */
struct logring {
	char *buf;
	size_t size;	/* power of two */
	uint64_t head;	/* position of the next byte to write */
	uint64_t tail;	/* position of the oldest byte still held */
};

/** Set up @r over @buf of @size bytes; @size must be a power of two (else -EINVAL). */
int logring_init(struct logring *r, char *buf, size_t size);

/** Append @n bytes of @s; input longer than the ring keeps only its last whole lines. */
void logring_write(struct logring *r, const char *s, size_t n);

/**
 * Copy up to @n bytes starting at *@pos into @out and advance *@pos. A cursor older than the tail is
 * moved to the tail first; *@lost (if not NULL) receives how many bytes were skipped that way.
 * Returns the number of bytes copied (0 when the reader is up to date).
 */
size_t logring_read(const struct logring *r, uint64_t *pos, char *out, size_t n, uint64_t *lost);

#endif
