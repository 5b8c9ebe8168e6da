// Time: the clocks move forward and agree with sleeps (only relations are printed, the
// values differ between machines), gettimeofday, nanosleep, clock_nanosleep, timers.
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/time.h>

static volatile int ticks;
static void on_alarm(int sig) { (void)sig; ticks++; }

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, res;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = {0, 50 * 1000 * 1000};
  nanosleep(&d, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long slept = ns(b) - ns(a);
  printf("nanosleep 50ms: at least %d, under a second %d\n", slept >= 50000000, slept < 1000000000);
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("resolution at most 1ms: %d\n", ns(res) > 0 && ns(res) <= 1000000);
  struct timespec r1, r2;
  clock_gettime(CLOCK_REALTIME, &r1);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  clock_gettime(CLOCK_REALTIME, &r2);
  printf("realtime after 2020: %d ordered %d\n", r1.tv_sec > 1577836800, ns(r2) >= ns(r1) && tv.tv_sec >= r1.tv_sec);
  printf("time() agrees: %d\n", time(NULL) - r2.tv_sec <= 1);
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec abs = {a.tv_sec, a.tv_nsec + 20 * 1000 * 1000};
  if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("clock_nanosleep absolute reached: %d\n", ns(b) >= ns(abs));
  signal(SIGALRM, on_alarm);
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, NULL);
  while (ticks < 5) pause();
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("interval timer ticks %d\n", ticks);
  struct timespec c1, c2;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 3000000; i++) x += i;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
  printf("cpu time advances: %d\n", ns(c2) > ns(c1));
  time_t t0 = 86400 * 365;
  struct tm tm;
  gmtime_r(&t0, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a", &tm);
  printf("gmtime %s\n", buf);
  return 0;
}
