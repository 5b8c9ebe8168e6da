// Sockets: AF_UNIX socketpair (stream, datagram, seqpacket), a named stream server with a
// forked client, abstract datagram names and autobind, SO_PEERCRED, the usual errors, and UDP
// over the loopback interface. Nothing printed depends on pids, ports or the host.
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static const char *en(int e) {
  switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case EPIPE: return "EPIPE";
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EPROTOTYPE: return "EPROTOTYPE";
    default: return "other";
  }
}

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld %s\n", label, r_ < 0 ? -1L : r_, r_ < 0 ? en(errno) : "ok"); } while (0)

static socklen_t sun_of(struct sockaddr_un *a, const char *path, int abstract) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (abstract) {
    memcpy(a->sun_path + 1, path, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
  }
  memcpy(a->sun_path, path, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static void pairs(void) {
  int sv[2];
  char buf[64];
  SHOW("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  SHOW("write a", write(sv[0], "hello", 5));
  SHOW("write b", write(sv[0], "world", 5));
  SHOW("read all", read(sv[1], buf, sizeof buf));
  SHOW("peek", recv(sv[1], buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT));
  SHOW("shutdown wr", shutdown(sv[0], SHUT_WR));
  SHOW("read eof", read(sv[1], buf, sizeof buf));
  struct pollfd p = {.fd = sv[1], .events = POLLIN | POLLOUT | POLLRDHUP};
  SHOW("poll", poll(&p, 1, 0));
  printf("revents %#x\n", p.revents);
  struct ucred cr;
  socklen_t cl = sizeof cr;
  SHOW("peercred", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl));
  printf("peercred pid %s uid %s len %u\n", cr.pid == getpid() ? "self" : "other", cr.uid == getuid() ? "self" : "other", cl);
  close(sv[1]);
  signal(SIGPIPE, SIG_IGN);
  SHOW("write to closed peer", write(sv[0], "x", 1));
  close(sv[0]);

  SHOW("socketpair again", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  write(sv[1], "unread", 6);
  close(sv[0]);
  p.fd = sv[1];
  p.events = POLLIN;
  SHOW("poll reset", poll(&p, 1, 0));
  printf("revents %#x\n", p.revents);
  SHOW("read after reset", read(sv[1], buf, sizeof buf));
  SHOW("read again", read(sv[1], buf, sizeof buf));
  close(sv[1]);

  SHOW("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
  SHOW("send 10", send(sv[0], "0123456789", 10, 0));
  SHOW("recv trunc", recv(sv[1], buf, 4, MSG_TRUNC));
  SHOW("recv empty", recv(sv[1], buf, 4, 0));
  close(sv[0]);
  close(sv[1]);

  SHOW("socketpair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  write(sv[0], "abcdef", 6);
  write(sv[0], "xy", 2);
  SHOW("record 1", read(sv[1], buf, 4));
  SHOW("record 2", read(sv[1], buf, sizeof buf));
  close(sv[0]);
  close(sv[1]);
}

static void named(void) {
  struct sockaddr_un a, got;
  socklen_t alen = sun_of(&a, "srv.sock", 0), glen = sizeof got;
  unlink("srv.sock");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("bind", bind(s, (struct sockaddr *)&a, alen));
  int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("bind again", bind(s2, (struct sockaddr *)&a, alen));
  SHOW("connect before listen", connect(s2, (struct sockaddr *)&a, alen));
  SHOW("listen", listen(s, 4));
  pid_t k = fork();
  if (k == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, alen) != 0) _exit(1);
    write(c, "ping", 4);
    char b[8];
    ssize_t n = read(c, b, sizeof b);
    _exit(n == 4 && memcmp(b, "PING", 4) == 0 ? 0 : 2);
  }
  int c = accept(s, (struct sockaddr *)&got, &glen);
  printf("accept %s peer len %u\n", c >= 0 ? "ok" : en(errno), glen);
  char b[8];
  SHOW("server read", read(c, b, sizeof b));
  write(c, "PING", 4);
  int st;
  waitpid(k, &st, 0);
  printf("client status %d\n", WEXITSTATUS(st));
  glen = sizeof got;
  SHOW("getsockname", getsockname(s, (struct sockaddr *)&got, &glen));
  printf("name len %u path %s\n", glen, got.sun_path);
  struct sockaddr_un none;
  socklen_t nlen = sun_of(&none, "missing.sock", 0);
  int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("connect missing", connect(s3, (struct sockaddr *)&none, nlen));
  SHOW("write unconnected", write(s3, "x", 1));
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  SHOW("listen dgram", listen(d, 1));
  SHOW("connect dgram to stream", connect(d, (struct sockaddr *)&a, alen));
  close(c);
  close(s);
  close(s2);
  close(s3);
  close(d);
  unlink("srv.sock");
}

static void abstract_names(void) {
  char name[64];
  snprintf(name, sizeof name, "twinbox-oracle-%d", (int)getpid());
  struct sockaddr_un a, from;
  socklen_t alen = sun_of(&a, name, 1), flen;
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  SHOW("bind abstract", bind(s, (struct sockaddr *)&a, alen));
  int c = socket(AF_UNIX, SOCK_DGRAM, 0);
  sa_family_t fam = AF_UNIX;
  SHOW("autobind", bind(c, (struct sockaddr *)&fam, sizeof fam));
  flen = sizeof from;
  getsockname(c, (struct sockaddr *)&from, &flen);
  printf("autobind len %u first %d\n", flen, from.sun_path[0]);
  SHOW("sendto", sendto(c, "dgram!", 6, 0, (struct sockaddr *)&a, alen));
  char buf[16];
  flen = sizeof from;
  SHOW("recvfrom", recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
  printf("from len %u\n", flen);
  close(s);
  SHOW("sendto closed", sendto(c, "x", 1, 0, (struct sockaddr *)&a, alen));
  close(c);
}

static void pass_fds(void) {
  int sv[2], p[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  pipe(p);
  char data = 'F';
  struct iovec iov = {.iov_base = &data, .iov_len = 1};
  union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = CMSG_SPACE(2 * sizeof(int))};
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  memcpy(CMSG_DATA(c), (int[]){p[1], p[0]}, 2 * sizeof(int));
  SHOW("sendmsg rights", sendmsg(sv[0], &m, 0));
  close(p[1]);
  char got;
  union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } r;
  struct iovec riov = {.iov_base = &got, .iov_len = 1};
  struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = r.buf, .msg_controllen = sizeof r.buf};
  SHOW("recvmsg rights", recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC));
  struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
  printf("cmsg level %d type %d len %zu controllen %zu flags %#x data %c\n", rc ? rc->cmsg_level : -1, rc ? rc->cmsg_type : -1,
         rc ? (size_t)rc->cmsg_len : 0, (size_t)rm.msg_controllen, rm.msg_flags, got);
  int fds[2];
  memcpy(fds, CMSG_DATA(rc), sizeof fds);
  printf("cloexec %d\n", fcntl(fds[0], F_GETFD));
  SHOW("write through passed fd", write(fds[0], "via", 3));
  char b[8];
  SHOW("read from pipe", read(p[0], b, sizeof b));
  close(fds[0]);
  close(fds[1]);
  /* A control buffer with room for one descriptor: the other is closed, MSG_CTRUNC. */
  pipe(p);
  memcpy(CMSG_DATA(c), (int[]){p[1], p[0]}, 2 * sizeof(int));
  sendmsg(sv[0], &m, 0);
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } small;
  rm.msg_control = small.buf;
  rm.msg_controllen = sizeof small.buf;
  SHOW("recvmsg small", recvmsg(sv[1], &rm, 0));
  rc = CMSG_FIRSTHDR(&rm);
  printf("small controllen %zu ctrunc %d len %zu\n", (size_t)rm.msg_controllen, (rm.msg_flags & MSG_CTRUNC) != 0, rc ? (size_t)rc->cmsg_len : 0);
  int bad = 999;
  memcpy(CMSG_DATA(c), (int[]){bad, bad}, 2 * sizeof(int));
  SHOW("sendmsg bad fd", sendmsg(sv[0], &m, 0));
  close(sv[0]);
  close(sv[1]);
}

static void pass_creds(void) {
  int sv[2], on = 1;
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  SHOW("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  send(sv[0], "c", 1, 0);
  char got;
  union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } r;
  struct iovec iov = {.iov_base = &got, .iov_len = 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = r.buf, .msg_controllen = sizeof r.buf};
  SHOW("recvmsg creds", recvmsg(sv[1], &m, 0));
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  struct ucred uc;
  if (c) memcpy(&uc, CMSG_DATA(c), sizeof uc);
  printf("cred cmsg type %d len %zu controllen %zu pid %s uid %s\n", c ? c->cmsg_type : -1, c ? (size_t)c->cmsg_len : 0,
         (size_t)m.msg_controllen, c && uc.pid == getpid() ? "self" : "other", c && uc.uid == getuid() ? "self" : "other");
  int off = 0;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &off, sizeof off);
  send(sv[0], "d", 1, 0);
  m.msg_controllen = sizeof r.buf;
  SHOW("recvmsg no creds", recvmsg(sv[1], &m, 0));
  printf("controllen %zu\n", (size_t)m.msg_controllen);
  close(sv[0]);
  close(sv[1]);
}

static void errors(void) {
  int p[2];
  pipe(p);
  struct sockaddr_un a;
  socklen_t alen = sun_of(&a, "x.sock", 0);
  SHOW("bind bad fd", bind(99, (struct sockaddr *)&a, alen));
  SHOW("listen on pipe", listen(p[0], 1));
  SHOW("socket AF_INET6-less family 200", socket(200, SOCK_STREAM, 0));
  SHOW("unix SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0));
  SHOW("unix protocol 7", socket(AF_UNIX, SOCK_STREAM, 7));
  SHOW("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, p));
  close(p[0]);
  close(p[1]);
}

static void udp_loopback(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  SHOW("udp bind", bind(s, (struct sockaddr *)&a, sizeof a));
  socklen_t l = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &l);
  printf("udp port nonzero %d len %u\n", a.sin_port != 0, l);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  SHOW("udp sendto", sendto(c, "over lo", 7, 0, (struct sockaddr *)&a, sizeof a));
  char buf[32];
  struct sockaddr_in from;
  l = sizeof from;
  SHOW("udp recvfrom", recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &l));
  printf("udp from %s len %u\n", inet_ntoa(from.sin_addr), l);
  close(s);
  close(c);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pairs();
  named();
  abstract_names();
  pass_fds();
  pass_creds();
  errors();
  udp_loopback();
  return 0;
}
