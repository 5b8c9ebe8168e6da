// Linux ABI numbers the IPv4 stack speaks: the networking errno values guest/kernel/errno.ts does
// not list, socket option levels and names (asm-generic), and /proc/net's TCP state numbers.

export const EMSGSIZE = 90, EDESTADDRREQ = 89, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94;
export const EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103;
export const ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ECONNREFUSED = 111;
export const EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;

export const IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7;
export const SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15, SO_BINDTODEVICE = 25;
export const SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;

export const IP_TOS = 1, IP_TTL = 2;
export const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;

/** include/net/tcp_states.h */
export const TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_SYN_RECV = 3, TCP_FIN_WAIT1 = 4, TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6, TCP_CLOSE = 7, TCP_CLOSE_WAIT = 8, TCP_LAST_ACK = 9, TCP_LISTEN = 10, TCP_CLOSING = 11;

/** net.ipv4.ip_local_port_range */
export const EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;

/** Reads an int option the way the kernel does: at least 4 bytes, little-endian. */
export function optInt(v: Uint8Array): number | null {
  if (v.length < 4) return null;
  return (v[0] | (v[1] << 8) | (v[2] << 16) | (v[3] << 24)) | 0;
}

export function intOpt(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n | 0, true);
  return out;
}

export function isMulticastOrBroadcast(a: number): boolean {
  return a === 0xffffffff || (a >>> 28) === 0xe;
}

export function prefixMask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

/** Linux's icmp_err_convert for ICMP destination unreachable codes. */
export function unreachableErrno(code: number): number {
  if (code === 0 || code === 6 || code === 9 || code === 11) return ENETUNREACH;
  if (code === 2) return ENOPROTOOPT;
  if (code === 3) return ECONNREFUSED;
  return EHOSTUNREACH;
}
