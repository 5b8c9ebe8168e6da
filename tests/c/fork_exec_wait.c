// fork, exec failures, wait statuses (exit codes, signals), waitpid with WNOHANG, vfork,
// and pipes between parent and child. (qemu-aarch64 cannot exec an aarch64 binary without
// binfmt_misc, and emulates vfork as fork, so neither is compared here beyond what both agree on.)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <errno.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int st;
  pid_t p = fork();
  if (p == 0) _exit(42);
  waitpid(p, &st, 0);
  printf("fork: exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
  p = fork();
  if (p == 0) {
    raise(SIGKILL);
    _exit(1);
  }
  waitpid(p, &st, 0);
  printf("killed: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  p = fork();
  if (p == 0) {
    char *args[] = {"/no/such/program", NULL};
    execve(args[0], args, NULL);
    _exit(errno == ENOENT ? 99 : 98);
  }
  waitpid(p, &st, 0);
  printf("exec: code %d\n", WEXITSTATUS(st));
  int fds[2];
  pipe(fds);
  p = fork();
  if (p == 0) {
    close(fds[0]);
    for (int i = 0; i < 1000; i++) dprintf(fds[1], "line %d\n", i);
    _exit(0);
  }
  close(fds[1]);
  char buf[512];
  long total = 0, lines = 0;
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    total += n;
    for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
  }
  waitpid(p, &st, 0);
  printf("pipe: %ld bytes %ld lines\n", total, lines);
  printf("wnohang with no exited child: %d\n", (int)waitpid(-1, &st, WNOHANG));
  volatile int shared = 0;
  p = vfork();
  if (p == 0) {
    _exit(3 + shared);
  }
  waitpid(p, &st, 0);
  printf("vfork: code %d\n", WEXITSTATUS(st));
  pid_t kids[5];
  for (int i = 0; i < 5; i++)
    if ((kids[i] = fork()) == 0) _exit(10 + i);
  int sum = 0;
  for (int i = 0; i < 5; i++) {
    waitpid(kids[i], &st, 0);
    sum += WEXITSTATUS(st);
  }
  printf("five children: sum %d, then wait gives %d\n", sum, (int)wait(&st));
  return 0;
}
