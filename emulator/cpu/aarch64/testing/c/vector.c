/* Loops gcc -O3 vectorises: integer widening/narrowing, float and double arrays, reductions. */
#include <stdio.h>
#include <stdint.h>

#define N 1000
static uint8_t a8[N], b8[N];
static int16_t s16[N];
static int32_t i32[N], j32[N];
static int64_t i64[N];
static float f[N], g[N];
static double d[N], e[N];

int main(void) {
  for (int i = 0; i < N; i++) {
    a8[i] = (uint8_t)(i * 37);
    b8[i] = (uint8_t)(i * 11 + 5);
    i32[i] = i * 1234567 - 500000000;
    j32[i] = (i % 17) - 8;
    f[i] = (float)i * 0.37f - 100.0f;
    d[i] = (double)i * 1.0000001 - 333.3;
  }
  uint32_t sum8 = 0;
  for (int i = 0; i < N; i++) sum8 += (uint32_t)a8[i] * b8[i];
  for (int i = 0; i < N; i++) s16[i] = (int16_t)(a8[i] - b8[i]);
  int64_t dot = 0;
  for (int i = 0; i < N; i++) dot += (int64_t)i32[i] * j32[i];
  for (int i = 0; i < N; i++) i64[i] = (int64_t)i32[i] << 3;
  int32_t mx = INT32_MIN, mn = INT32_MAX;
  for (int i = 0; i < N; i++) { mx = i32[i] > mx ? i32[i] : mx; mn = i32[i] < mn ? i32[i] : mn; }
  float fs = 0;
  for (int i = 0; i < N; i++) { g[i] = f[i] * 1.5f + 2.0f; fs += g[i] > 0 ? g[i] : -g[i]; }
  double ds = 0;
  for (int i = 0; i < N; i++) { e[i] = d[i] * d[i] - 3.0 * d[i]; ds += e[i] / 7.0; }
  int32_t cv = 0;
  for (int i = 0; i < N; i++) cv += (int32_t)(f[i] * 10.0f) + (int32_t)d[i];
  unsigned sat = 0;
  for (int i = 0; i < N; i++) { unsigned v = a8[i] + b8[i]; sat += v > 255 ? 255 : v; }
  int64_t s64 = 0;
  for (int i = 0; i < N; i++) s64 += s16[i] + i64[i];
  printf("%u %lld %d %d %.6f %.6f %d %u %lld\n", sum8, (long long)dot, mx, mn, fs, ds, cv, sat, (long long)s64);
  return 0;
}
