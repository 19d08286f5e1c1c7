/*
 * fuzz_input.h - the byte reader the fuzz targets decode their input with.
 * Missing bytes read as zero, so every input decodes to something.
 */
#ifndef PZ_FUZZ_INPUT_H
#define PZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t *p;
	size_t n;
};

static inline unsigned u8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static inline unsigned u16(struct rd *r)
{
	unsigned a = u8(r);

	return a | u8(r) << 8;
}

static inline uint32_t u32(struct rd *r)
{
	uint32_t a = u16(r);

	return a | (uint32_t)u16(r) << 16;
}

static inline uint64_t u64(struct rd *r)
{
	uint64_t a = u32(r);

	return a | (uint64_t)u32(r) << 32;
}

#endif /* PZ_FUZZ_INPUT_H */
