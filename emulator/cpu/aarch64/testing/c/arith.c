/* Integer arithmetic, flags-dependent code paths and overflow builtins. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

int main(void) {
  uint64_t h = 0;
  for (int i = 0; i < 2000; i++) {
    uint64_t a = next(), b = next() | 1;
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    h = h * 31 + a / b + a % b + (uint64_t)(sa / sb) + (uint64_t)(sa % sb);
    h ^= (a * b) + (uint64_t)(((__int128)sa * sb) >> 64) + (uint64_t)(((unsigned __int128)a * b) >> 64);
    h += __builtin_clzll(a | 1) + __builtin_ctzll(b) + __builtin_popcountll(a) + __builtin_bswap64(b);
    int64_t r;
    h += __builtin_add_overflow(sa, sb, &r) + __builtin_mul_overflow(sa, sb, &r) + (uint64_t)r;
    h += (sa < sb) + (a < b) * 2 + ((int32_t)a > (int32_t)b) * 4;
  }
  printf("%016llx\n", (unsigned long long)h);
  printf("%lld %lld %d %d\n", LLONG_MIN / 1, LLONG_MAX % 7, INT_MIN % 3, -7 / 2);
  return (int)(h & 0x3f);
}
