// Linux errno values (include/uapi/asm-generic/errno-base.h and errno.h). The kernel
// returns them negated, as the syscall ABI does; they are the same on aarch64 and x86_64.

export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8;
export const EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15;
export const EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22;
export const ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29;
export const EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36;
export const ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOTSUP = 95, EOPNOTSUPP = 95;
export const ENODATA = 61, EOVERFLOW = 75, ENOTSOCK = 88, ETIMEDOUT = 110;
/** A bad ELF interpreter (ld.so) named by PT_INTERP. */
export const ELIBBAD = 80;
/** Internal: the syscall was interrupted and may be restarted (never reaches user space). */
export const ERESTARTSYS = 512;

const NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK', 16: 'EBUSY', 17: 'EEXIST',
  18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY',
  26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
  34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP',
  61: 'ENODATA', 75: 'EOVERFLOW', 80: 'ELIBBAD', 88: 'ENOTSOCK', 95: 'EOPNOTSUPP', 110: 'ETIMEDOUT',
};

export function errnoName(e: number): string {
  return NAMES[Math.abs(e)] ?? `E${Math.abs(e)}`;
}
