// Integer arithmetic and flags: overflow checks (adds/subs + b.vs), carries, shifts by
// register amounts at and past the width, division corner cases, bit counting.
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static volatile int64_t vals[] = {0, 1, -1, 2, -2, 7, -7, INT64_MAX, INT64_MIN, 0x123456789abcdefLL, -0x3c3c3c3c3c3cLL};
static volatile uint32_t shifts[] = {0, 1, 31, 32, 33, 63, 64, 65};

int main(void) {
  unsigned n = sizeof vals / sizeof vals[0];
  uint64_t h = 1469598103934665603ULL;
  for (unsigned i = 0; i < n; i++) {
    for (unsigned j = 0; j < n; j++) {
      int64_t a = vals[i], b = vals[j], r;
      int ov_add = __builtin_add_overflow(a, b, &r);
      int ov_sub = __builtin_sub_overflow(a, b, &r);
      int ov_mul = __builtin_mul_overflow(a, b, &r);
      int32_t a32 = (int32_t)a, b32 = (int32_t)b, r32;
      int ov32 = __builtin_add_overflow(a32, b32, &r32);
      uint64_t ua = (uint64_t)a, ub = (uint64_t)b, ur;
      int carry = __builtin_add_overflow(ua, ub, &ur);
      int64_t q = (b == 0) ? 0 : (a == INT64_MIN && b == -1) ? INT64_MIN : a / b;
      int64_t m = (b == 0) ? 0 : (a == INT64_MIN && b == -1) ? 0 : a % b;
      uint64_t uq = ub == 0 ? 0 : ua / ub;
      h = (h ^ (uint64_t)(ov_add | ov_sub << 1 | ov_mul << 2 | ov32 << 3 | carry << 4)) * 1099511628211ULL;
      h = (h ^ (uint64_t)q ^ (uint64_t)m * 3 ^ uq * 5) * 1099511628211ULL;
      h = (h ^ (uint64_t)(a < b) ^ (uint64_t)(ua < ub) << 1 ^ (uint64_t)(a32 >= b32) << 2) * 1099511628211ULL;
    }
  }
  printf("pairs hash %016llx\n", (unsigned long long)h);
  for (unsigned i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
    uint64_t x = 0xf0e1d2c3b4a59687ULL; uint32_t s = shifts[i];
    uint32_t y = 0x87654321u;
    printf("shift %2u: lsl %016llx lsr %016llx asr %016llx ror %016llx | w: %08x %08x %08x\n", s,
           (unsigned long long)(x << (s & 63)), (unsigned long long)(x >> (s & 63)),
           (unsigned long long)((int64_t)x >> (s & 63)),
           (unsigned long long)((x >> (s & 63)) | (x << ((64 - s) & 63))),
           y << (s & 31), y >> (s & 31), (uint32_t)((int32_t)y >> (s & 31)));
  }
  for (unsigned i = 0; i < n; i++) {
    uint64_t v = (uint64_t)vals[i];
    printf("bits %016llx clz %d ctz %d pop %d rev %016llx\n", (unsigned long long)v, v ? __builtin_clzll(v) : 64,
           v ? __builtin_ctzll(v) : 64, __builtin_popcountll(v), (unsigned long long)__builtin_bswap64(v));
  }
  volatile int32_t zero = 0, mn = INT32_MIN, m1 = -1;
  int32_t d1, d2;
  __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(d1) : "r"(mn), "r"(m1));
  __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(d2) : "r"(mn), "r"(zero));
  printf("sdiv INT_MIN/-1 = %d, x/0 = %d\n", d1, d2);
  __int128 big = (__int128)vals[7] * vals[7];
  printf("128-bit product %016llx%016llx\n", (unsigned long long)(big >> 64), (unsigned long long)big);
  return 0;
}
