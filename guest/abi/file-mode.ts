// The file-type bits of st_mode (include/uapi/linux/stat.h): one definition for the kernel's
// VFS, the ext2 on-disk inodes and the userland's libc, which all speak the same ABI.

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
