// Pipes and files: pipe2, dup2, poll, nonblocking reads, a big transfer through a pipe
// between two processes, files in the working directory (create, write, lseek, read, stat, unlink).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe2(p, O_NONBLOCK);
  char c;
  printf("empty nonblocking read: %zd errno %s\n", read(p[0], &c, 1), errno == EAGAIN ? "EAGAIN" : "other");
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  printf("poll empty: %d\n", poll(&pf, 1, 0));
  write(p[1], "xy", 2);
  printf("poll ready: %d revents %x\n", poll(&pf, 1, 0), pf.revents);
  close(p[0]);
  close(p[1]);
  pipe(p);
  pid_t k = fork();
  if (k == 0) {
    close(p[0]);
    static char block[65536];
    for (int i = 0; i < 16; i++) {
      memset(block, 'a' + i, sizeof block);
      for (size_t off = 0; off < sizeof block;) off += (size_t)write(p[1], block + off, sizeof block - off);
    }
    _exit(0);
  }
  close(p[1]);
  static char buf[10000];
  unsigned long sum = 0, total = 0;
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) {
    total += (unsigned long)n;
    for (ssize_t i = 0; i < n; i++) sum += (unsigned char)buf[i];
  }
  int st;
  waitpid(k, &st, 0);
  printf("1 MiB through a pipe: %lu bytes sum %lu\n", total, sum);
  int fd = open("twinbox-c-suite.tmp", O_CREAT | O_TRUNC | O_RDWR, 0640);
  printf("open: %s\n", fd >= 0 ? "ok" : strerror(errno));
  for (int i = 0; i < 100; i++) dprintf(fd, "record %03d\n", i);
  struct stat sb;
  fstat(fd, &sb);
  printf("size %lld mode %o\n", (long long)sb.st_size, sb.st_mode & 0777);
  lseek(fd, 11 * 50, SEEK_SET);
  char rec[12] = {0};
  read(fd, rec, 11);
  printf("record 50: %s", rec);
  int saved = dup(1);
  dup2(fd, 1);
  printf("this goes to the file\n");
  fflush(stdout);
  dup2(saved, 1);
  printf("size after dup2 write: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  close(fd);
  printf("unlink %d, stat after: %d errno %s\n", unlink("twinbox-c-suite.tmp"), stat("twinbox-c-suite.tmp", &sb),
         errno == ENOENT ? "ENOENT" : "other");
  printf("open missing: %d %s\n", open("/no/such/file", O_RDONLY), strerror(errno));
  return 0;
}
