// The networking errno values (include/uapi/asm-generic/errno.h), the same on aarch64 and x86_64.
// Kept beside the socket code so the shared errno table needs no edit.

export const EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93;
export const ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99;
export const ENETDOWN = 100, ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105;
export const EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108, ETIMEDOUT = 110, ECONNREFUSED = 111;
export const EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;
