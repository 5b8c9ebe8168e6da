/* The bench's compute loop in C: integer mixing, N iterations from argv (default 20M). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000000;
  uint64_t a = 1, b = 3, c = 0;
  for (long i = 0; i < n; i++) {
    a += b;
    b ^= a >> 7;
    c += (a & 0xff) == 0x42;
  }
  printf("%016llx %llu\n", (unsigned long long)(a ^ b), (unsigned long long)c);
  return 0;
}
