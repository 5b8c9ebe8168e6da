// Linux ABI constants the userland needs: asm-generic (aarch64) syscall numbers from
// include/uapi/asm-generic/unistd.h, and flag values from the uapi headers. The kernel
// keeps its own table; these are the numbers a C library compiles into its wrappers.

export const NR = {
  getcwd: 17,
  dup: 23,
  dup3: 24,
  fcntl: 25,
  ioctl: 29,
  mkdirat: 34,
  unlinkat: 35,
  symlinkat: 36,
  linkat: 37,
  renameat: 38,
  umount2: 39,
  mount: 40,
  statfs: 43,
  ftruncate: 46,
  faccessat: 48,
  chdir: 49,
  fchdir: 50,
  fchmodat: 53,
  fchownat: 54,
  openat: 56,
  close: 57,
  pipe2: 59,
  getdents64: 61,
  lseek: 62,
  read: 63,
  write: 64,
  readlinkat: 78,
  newfstatat: 79,
  fstat: 80,
  sync: 81,
  utimensat: 88,
  exit: 93,
  exit_group: 94,
  nanosleep: 101,
  clock_gettime: 113,
  syslog: 116,
  kill: 129,
  rt_sigaction: 134,
  rt_sigprocmask: 135,
  rt_sigtimedwait: 137,
  reboot: 142,
  setpgid: 154,
  getpgid: 155,
  setsid: 157,
  prctl: 167,
  getgroups: 158,
  uname: 160,
  sethostname: 161,
  umask: 166,
  getpid: 172,
  getppid: 173,
  getuid: 174,
  geteuid: 175,
  getgid: 176,
  getegid: 177,
  sysinfo: 179,
  brk: 214,
  munmap: 215,
  clone: 220,
  execve: 221,
  mmap: 222,
  wait4: 260,
} as const;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;

// Open flags (asm-generic/fcntl.h; arm64 differs from x86 only in O_DIRECTORY/O_NOFOLLOW).
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o40000;
export const O_NOFOLLOW = 0o100000;
export const O_CLOEXEC = 0o2000000;

export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;

export const WNOHANG = 1;
export const WUNTRACED = 2;

export const SIGCHLD = 17;
export const SIG_DFL = 0;
export const SIG_IGN = 1;
export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

export const TCGETS = 0x5401;
export const TIOCSCTTY = 0x540e;
export const PR_SET_NAME = 15;
export const TIOCGPGRP = 0x540f;
export const TIOCSPGRP = 0x5410;
export const TIOCGWINSZ = 0x5413;

import { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO } from '../../abi/file-mode';

export { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO };

export const LINUX_REBOOT_MAGIC1 = 0xfee1dead;
export const LINUX_REBOOT_MAGIC2 = 672274793;
export const LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc;
export const LINUX_REBOOT_CMD_RESTART = 0x01234567;
export const LINUX_REBOOT_CMD_HALT = 0xcdef0123;

export const MNT_DETACH = 2;
