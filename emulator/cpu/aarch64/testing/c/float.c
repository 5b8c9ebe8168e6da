/* Floating point through libm and printf: formatting, rounding, conversions, special values. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

int main(void) {
  volatile double zero = 0.0;
  double xs[] = {0.1, -2.5, 1e300, 1e-310, 3.141592653589793, 1.0 / 3.0, -0.0, 123456789.125};
  for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double x = xs[i];
    printf("%.17g %a %e %f %g\n", x, x, x * 3, x / 7, sqrt(fabs(x)));
    printf("%ld %ld %.9g %.9g %.9g\n", lrint(x * 10), (long)x, floor(x), ceil(x), round(x));
    printf("%.9g %.9g %.9g\n", (double)(float)x, fmod(x, 1.7), x * x - x);
  }
  printf("%f %f %f\n", 1.0 / zero, -1.0 / zero, zero / zero);
  printf("%.17g %.17g %.17g\n", exp(1.0), log(10.0), pow(2.0, 0.5));
  printf("%.9g %.9g\n", sinf(1.0f), atan2(1.0, -1.0));
  printf("%g %g\n", strtod("6.02214076e23", 0), atof("-1e-5"));
  long double ld = 1.0L / 3.0L;
  printf("%.30Lg\n", ld);
  return 0;
}
