// mmap, mprotect, munmap, mremap, brk: anonymous private and shared mappings (shared
// across fork), protection faults caught as SIGSEGV, file mappings.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <setjmp.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sigjmp_buf jb;
static volatile int faults, code;
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  faults++;
  code = si->si_code;
  siglongjmp(jb, 1);
}

static int try_write(volatile char *p) {
  if (sigsetjmp(jb, 1) == 0) {
    *p = 1;
    return 0;
  }
  return 1;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  long pg = sysconf(_SC_PAGESIZE);
  printf("page size %ld\n", pg);
  char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap ok %d zeroed %d\n", p != MAP_FAILED, p[5 * pg] == 0);
  memset(p, 'm', 8 * pg);
  mprotect(p + 2 * pg, pg, PROT_READ);
  printf("write to read-only page faulted %d code %d\n", try_write(p + 2 * pg + 10), code);
  printf("write to writable page faulted %d\n", try_write(p + 3 * pg));
  mprotect(p + 2 * pg, pg, PROT_READ | PROT_WRITE);
  printf("after mprotect rw faulted %d\n", try_write(p + 2 * pg));
  munmap(p + 4 * pg, pg);
  printf("unmapped page faulted %d code %d\n", try_write(p + 4 * pg), code);
  char *q = mremap(p, 4 * pg, 16 * pg, MREMAP_MAYMOVE);
  printf("mremap ok %d kept %c%c\n", q != MAP_FAILED, q[0], q[3 * pg]);
  int *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int *priv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *shared = 1;
  *priv = 1;
  pid_t k = fork();
  if (k == 0) {
    *shared = 2;
    *priv = 2;
    _exit(0);
  }
  waitpid(k, NULL, 0);
  printf("after child: shared %d private %d\n", *shared, *priv);
  void *b0 = sbrk(0);
  sbrk(3 * pg);
  memset(b0, 7, 3 * pg);
  printf("brk grew %ld\n", (long)((char *)sbrk(0) - (char *)b0));
  int fd = open("/proc/self/exe", O_RDONLY);
  if (fd < 0) fd = open("mmap_mprotect", O_RDONLY);
  char *f = fd >= 0 ? mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  printf("file mapping: %s\n", f != MAP_FAILED && memcmp(f, "\177ELF", 4) == 0 ? "ELF header" : "failed");
  printf("bad mmap: %s\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? "EINVAL" : "ok");
  printf("faults total %d\n", faults);
  return 0;
}
