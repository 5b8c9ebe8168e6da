// Linux errno values the ext2 library returns (negated), from asm-generic/errno-base.h and errno.h.

export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EROFS = 30;
export const EMLINK = 31;
export const ENAMETOOLONG = 36;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
/** EFSCORRUPTED in the kernel's ext2/ext4 code. */
export const EUCLEAN = 117;

/** A negative errno. Functions return `T | Errno` and callers test with isErr. */
export type Errno = number;

export function isErr(x: unknown): x is Errno {
  return typeof x === 'number' && x < 0;
}
