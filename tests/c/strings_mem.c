// String and memory functions (glibc's SIMD versions), qsort, malloc, setjmp/longjmp.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <ctype.h>

static jmp_buf env;
static int depth;

static void dive(int n) {
  if (n == 0) longjmp(env, 42);
  depth++;
  dive(n - 1);
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  char big[4096 + 64];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (char)('a' + i % 26);
  big[sizeof big - 1] = 0;
  for (size_t off = 0; off < 17; off++) {
    size_t len = strlen(big + off);
    char *p = strchr(big + off, 'z'), *q = memchr(big + off, 'q', 100), *r = strrchr(big + off, 'c');
    printf("off %zu len %zu z@%td q@%td lastc@%td\n", off, len, p - big, q - big, r - big);
  }
  char a[300], b[300];
  for (int i = 0; i < 300; i++) a[i] = b[i] = (char)(i * 7);
  for (int k = 0; k < 300; k += 37) {
    b[k] ^= 1;
    int c = memcmp(a, b, 300);
    printf("memcmp diff at %d: %s\n", k, c < 0 ? "<" : c > 0 ? ">" : "=");
    b[k] ^= 1;
  }
  memmove(a + 3, a, 200);
  memmove(b, b + 5, 200);
  unsigned h = 0;
  for (int i = 0; i < 300; i++) h = h * 31 + (unsigned char)a[i] * 3 + (unsigned char)b[i];
  printf("memmove hash %08x\n", h);
  const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "apple"};
  char *copy[10];
  for (int i = 0; i < 10; i++) copy[i] = strdup(words[i]);
  qsort(copy, 10, sizeof copy[0], cmp);
  for (int i = 0; i < 10; i++) printf("%s%c", copy[i], i == 9 ? '\n' : ' ');
  for (int i = 0; i < 10; i++) free(copy[i]);
  char tok[] = "a,b,,c;d e";
  for (char *s = strtok(tok, ",; "); s; s = strtok(NULL, ",; ")) printf("[%s]", s);
  printf("\n");
  size_t total = 0;
  for (int i = 1; i < 200; i++) {
    char *p = malloc((size_t)i * 1000);
    memset(p, i, (size_t)i * 1000);
    total += (unsigned char)p[i * 1000 - 1];
    p = realloc(p, (size_t)i * 3000);
    total += (unsigned char)p[0];
    free(p);
  }
  printf("malloc total %zu\n", total);
  char *big2 = malloc(64 << 20);
  memset(big2, 0x5a, 64 << 20);
  printf("mmap'd malloc %02x %02x\n", (unsigned char)big2[0], (unsigned char)big2[(64 << 20) - 1]);
  free(big2);
  int v = setjmp(env);
  if (v == 0) dive(10);
  printf("longjmp returned %d after depth %d\n", v, depth);
  printf("strtol %ld %ld %lu toupper %c snprintf %d\n", strtol("-0x1f", NULL, 16), strtol("0777", NULL, 0),
         strtoul("18446744073709551615", NULL, 10), toupper('q'), snprintf(NULL, 0, "%d-%s", 12345, "xyz"));
  return 0;
}
