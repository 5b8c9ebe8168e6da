// Threads and futexes: pthread_create/join with return values, mutexes under contention,
// condition variables (a bounded queue), a barrier, thread-local storage, gettid vs
// getpid, raw futex wait/wake with a timeout, and exit from a thread while others run.
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <unistd.h>
#include <errno.h>
#include <time.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <stdatomic.h>

#define THREADS 6
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value = 100;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static int queue[4], qhead, qlen;
static pthread_barrier_t barrier;
static atomic_int ftx;
static atomic_long atomic_counter;
static pid_t main_pid;

static void *adder(void *arg) {
  long id = (long)arg;
  tls_value += (int)id;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
    atomic_fetch_add(&atomic_counter, 2);
    if (i % 5000 == 0) sched_yield();
  }
  int same = getpid() == main_pid && syscall(SYS_gettid) != main_pid;
  return (void *)(long)(tls_value * 10 + same);
}

static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= 100; i++) {
    pthread_mutex_lock(&mu);
    while (qlen == 4) pthread_cond_wait(&nonfull, &mu);
    queue[(qhead + qlen++) % 4] = i;
    pthread_cond_signal(&nonempty);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

static void *barrier_worker(void *arg) {
  long id = (long)arg;
  int r = pthread_barrier_wait(&barrier);
  return (void *)(long)(r == PTHREAD_BARRIER_SERIAL_THREAD ? 1000 + id : id);
}

static void *futex_waker(void *arg) {
  (void)arg;
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  atomic_store(&ftx, 1);
  syscall(SYS_futex, &ftx, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  return NULL;
}

static void *early_exit(void *arg) {
  (void)arg;
  pthread_exit((void *)77);
}

int main(void) {
  main_pid = getpid();
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, adder, (void *)i);
  long rsum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    rsum += (long)r;
  }
  printf("mutex counter %ld atomic %ld results %ld main tls %d\n", counter, (long)atomic_counter, rsum, tls_value);
  pthread_t prod;
  pthread_create(&prod, NULL, producer, NULL);
  long got = 0;
  for (int i = 0; i < 100; i++) {
    pthread_mutex_lock(&mu);
    while (qlen == 0) pthread_cond_wait(&nonempty, &mu);
    got += queue[qhead];
    qhead = (qhead + 1) % 4;
    qlen--;
    pthread_cond_signal(&nonfull);
    pthread_mutex_unlock(&mu);
  }
  pthread_join(prod, NULL);
  printf("condvar queue sum %ld\n", got);
  pthread_barrier_init(&barrier, NULL, 4);
  pthread_t b[4];
  for (long i = 0; i < 4; i++) pthread_create(&b[i], NULL, barrier_worker, (void *)i);
  int serial = 0;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(b[i], &r);
    serial += (long)r >= 1000;
  }
  printf("barrier: %d serial thread\n", serial);
  struct timespec to = {0, 5 * 1000 * 1000};
  long r = syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 0, &to, NULL, 0);
  printf("futex wait timeout: %ld %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "other");
  r = syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0);
  printf("futex wait wrong value: %ld %s\n", r, errno == EAGAIN ? "EAGAIN" : "other");
  pthread_t w;
  pthread_create(&w, NULL, futex_waker, NULL);
  while (atomic_load(&ftx) == 0) syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  pthread_join(w, NULL);
  printf("futex woken: %d\n", atomic_load(&ftx));
  pthread_t e;
  void *ev;
  pthread_create(&e, NULL, early_exit, NULL);
  pthread_join(e, &ev);
  printf("pthread_exit value %ld\n", (long)ev);
  return 0;
}
