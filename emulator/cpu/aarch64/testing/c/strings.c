/* The string and memory functions (SIMD-heavy in glibc), qsort, malloc, setjmp. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <setjmp.h>
#include <ctype.h>

static int cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static jmp_buf jb;
static void jump(int v) { longjmp(jb, v); }

int main(void) {
  char buf[512];
  for (int i = 0; i < 300; i++) buf[i] = (char)('a' + (i * 7) % 26);
  buf[300] = 0;
  printf("%zu %zu %s\n", strlen(buf), strlen(buf + 17), strchr(buf, 'q') ? strchr(buf, 'q') - buf + "" : "none");
  printf("%td %td\n", (char *)memchr(buf, 'z', 300) - buf, strrchr(buf, 'c') - buf);
  char *dup = strdup(buf);
  memmove(dup + 3, dup, 200);
  printf("%d %d %d\n", memcmp(buf, dup, 300) > 0, strncmp(buf, dup + 3, 200), strcmp("abc", "abd"));
  memset(buf, 'x', 100);
  buf[100] = 0;
  printf("%s|%zu\n", buf + 90, strspn(buf, "x"));
  const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape"};
  const char **w = malloc(sizeof words);
  memcpy(w, words, sizeof words);
  qsort(w, 8, sizeof *w, cmp);
  for (int i = 0; i < 8; i++) printf("%s%c", w[i], i == 7 ? '\n' : ' ');
  char *big = malloc(1 << 20);
  for (int i = 0; i < (1 << 20); i++) big[i] = (char)i;
  unsigned sum = 0;
  for (int i = 0; i < (1 << 20); i += 4096) sum += (unsigned char)big[i + 5];
  printf("sum %u\n", sum);
  int v = setjmp(jb);
  if (v == 0) jump(42);
  printf("setjmp %d %c %s\n", v, toupper('q'), strstr("hello wonderful world", "wor"));
  char out[64];
  snprintf(out, sizeof out, "%08x|%-6s|%+d|%5.2f", 0xbeefu, "ab", 7, 2.345);
  puts(out);
  free(big);
  free(w);
  free(dup);
  return 7;
}
