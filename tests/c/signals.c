// Signals: handlers with SA_SIGINFO, masks, sigprocmask/sigpending, raise, kill to self,
// SIGSEGV from a bad store recovered with siglongjmp, alarm on a timer, sigaltstack.
#include <stdio.h>
#include <signal.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

static volatile sig_atomic_t got[65];
static sigjmp_buf jb;
static volatile int info_code, info_signo;
static volatile void *fault_addr;

static void on_sig(int sig) { got[sig]++; }
static void on_info(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got[sig]++;
  info_signo = si->si_signo;
  info_code = si->si_code;
}
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got[sig]++;
  fault_addr = si->si_addr;
  info_code = si->si_code;
  siglongjmp(jb, 1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("after raise: USR1=%d\n", got[SIGUSR1]);
  sa.sa_flags = SA_SIGINFO;
  sa.sa_sigaction = on_info;
  sigaction(SIGUSR2, &sa, NULL);
  kill(getpid(), SIGUSR2);
  printf("after kill: USR2=%d signo=%d code=%d\n", got[SIGUSR2], info_signo, info_code);
  sigset_t set, old, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  raise(SIGUSR1);
  raise(SIGUSR1);
  sigpending(&pend);
  printf("blocked: USR1=%d pending=%d\n", got[SIGUSR1], sigismember(&pend, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: USR1=%d (standard signals do not queue)\n", got[SIGUSR1]);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  if (sigsetjmp(jb, 1) == 0) {
    *(volatile int *)0x10 = 1;
    printf("not reached\n");
  }
  printf("SIGSEGV caught %d at %p code %d\n", got[SIGSEGV], fault_addr, info_code);
  stack_t ss = {.ss_sp = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ, .ss_flags = 0};
  printf("sigaltstack %d\n", sigaltstack(&ss, NULL));
  sa.sa_handler = on_sig;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  pause();
  printf("alarm: ALRM=%d\n", got[SIGALRM]);
  signal(SIGTERM, SIG_IGN);
  raise(SIGTERM);
  printf("ignored TERM survived\n");
  signal(SIGTERM, SIG_DFL);
  fflush(stdout);
  raise(SIGTERM);
  printf("not reached either\n");
  return 0;
}
