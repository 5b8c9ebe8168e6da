// Floating point and SIMD: arithmetic, conversions with rounding, NaN/inf handling, libm,
// and loops gcc vectorises at -O3 (run with -O3).
#include <stdio.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <fenv.h>

static volatile double dv[] = {0.0, -0.0, 1.5, -2.5, 3.14159, 1e300, -1e-300, 2.5, 0.5, -0.5};
#define N 257
static float fa[N], fb[N], fc[N];
static int32_t ia[N], ib[N];
static uint8_t ua[N], ub[N];

int main(void) {
  for (unsigned i = 0; i < sizeof dv / sizeof dv[0]; i++) {
    double x = dv[i];
    printf("%g: sqrt %.17g floor %g ceil %g round %g trunc %g rint %g lround %ld (int)%d (float)%.9g\n", x,
           x >= 0 ? sqrt(x) : -1.0, floor(x), ceil(x), round(x), trunc(x), rint(x),
           fabs(x) < 1e18 ? lround(x) : 0L, fabs(x) < 2e9 ? (int)x : 0, (float)x);
  }
  volatile double zero = 0.0, inf = 1.0 / zero, nan = zero / zero;
  printf("inf %g -inf %g nan? %d cmp %d %d %d fmax %g fmin %g\n", inf, -inf, isnan(nan), nan < 1.0, nan == nan, inf > 1e308,
         fmax(nan, 2.0), fmin(-inf, 3.0));
  printf("exp %.15g log %.15g sin %.15g cos %.15g atan2 %.15g pow %.15g\n", exp(1.25), log(10.0), sin(0.7), cos(0.7),
         atan2(1.0, -2.0), pow(2.0, 0.5));
  printf("fma %.17g hypot %.17g\n", fma(0.1, 10.0, -1.0), hypot(3.0, 4.0));
  int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile double a = 1.0, b = 3.0;
    printf("mode %d: 1/3 = %.17g rint(2.5) = %g rint(-2.5) = %g\n", m, a / b, rint(2.5), rint(-2.5));
  }
  fesetround(FE_TONEAREST);
  for (int i = 0; i < N; i++) {
    fa[i] = (float)i * 0.5f - 30.0f;
    fb[i] = (float)(i % 17) * 1.25f;
    ia[i] = i * 7919 - 100000;
    ib[i] = (i * 31) % 257 - 128;
    ua[i] = (uint8_t)(i * 13);
    ub[i] = (uint8_t)(255 - i);
  }
  float dot = 0;
  for (int i = 0; i < N; i++) {
    fc[i] = fa[i] * fb[i] + fa[i];
    dot += fc[i];
  }
  int64_t isum = 0;
  int32_t imax = INT32_MIN, imin = INT32_MAX;
  for (int i = 0; i < N; i++) {
    int32_t v = ia[i] * ib[i];
    isum += v;
    imax = v > imax ? v : imax;
    imin = v < imin ? v : imin;
  }
  unsigned usum = 0;
  uint8_t umax = 0;
  for (int i = 0; i < N; i++) {
    uint8_t s = (uint8_t)(ua[i] + ub[i] > 255 ? 255 : ua[i] + ub[i]);
    usum += s;
    umax = ua[i] > umax ? ua[i] : umax;
  }
  printf("dot %.6g isum %lld imax %d imin %d usum %u umax %u\n", dot, (long long)isum, imax, imin, usum, umax);
  char buf[64];
  snprintf(buf, sizeof buf, "%.3e|%a|%08.2f", 123456.789, 0.1, -3.14159);
  printf("%s\n", buf);
  return 0;
}
