/* bitset.h: fixed-size bit sets of 64-bit words, for patterns and criteria. */
#ifndef EG_BITSET_H
#define EG_BITSET_H

#include <stddef.h>
#include <string.h>

typedef unsigned long long eg_word;

#define EG_BITSET_WORDS(n) (((n) + 63) / 64)

static inline void eg_bit_set(eg_word *bits, size_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

static inline int eg_bit_test(const eg_word *bits, size_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

static inline void eg_bits_or(eg_word *dst, const eg_word *src, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		dst[i] |= src[i];
}

static inline int eg_bits_any(const eg_word *bits, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (bits[i])
			return 1;
	return 0;
}

#endif
