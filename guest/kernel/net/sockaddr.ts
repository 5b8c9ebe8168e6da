// struct sockaddr in guest memory <-> SockAddr (guest/net/socket.ts), as net/socket.c's
// move_addr_to_kernel / move_addr_to_user and each family's address checks see them:
// sockaddr_in (16 bytes, port and address big-endian), sockaddr_un (sun_path up to 108 bytes;
// a leading NUL makes an abstract name whose length is addrlen's), sockaddr_nl (12 bytes),
// sockaddr_ll (20 bytes).
// Pure functions: bytes in, a value or -errno out; nothing throws on guest input.

import { AF_INET, AF_NETLINK, AF_PACKET, AF_UNIX, AF_UNSPEC, type SockAddr } from '../../net/socket';
import { EINVAL } from '../errno';
import { EAFNOSUPPORT } from './errno-net';

/** sizeof(struct sockaddr_storage): longer addresses are refused with EINVAL. */
export const SOCKADDR_STORAGE_BYTES = 128;
export const SOCKADDR_IN_BYTES = 16, SOCKADDR_NL_BYTES = 12, SOCKADDR_LL_BYTES = 20, UNIX_PATH_MAX = 108;
const SUN_PATH_OFFSET = 2;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

function family(b: Uint8Array): number {
  return b[0] | (b[1] << 8);
}

/**
 * Decodes `b` (addrlen bytes as the guest passed them) for a socket of family `want`. AF_UNSPEC
 * is passed through (connect uses it to dissolve an association), except for bind (`forBind`).
 */
export function parseSockaddr(b: Uint8Array, want: number, forBind = false): SockAddr | number {
  if (b.length > SOCKADDR_STORAGE_BYTES || b.length < 2) return -EINVAL;
  const fam = family(b);
  // inet_bind's compatibility rule: AF_UNSPEC is AF_INET when the address is INADDR_ANY.
  if (forBind && want === AF_INET && fam === AF_UNSPEC && b.length >= SOCKADDR_IN_BYTES) {
    const any = b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0;
    return any ? { family: AF_INET, addr: 0, port: (b[2] << 8) | b[3] } : -EAFNOSUPPORT;
  }
  if (fam === AF_UNSPEC && want !== AF_UNIX) return { family: AF_UNSPEC };
  switch (want) {
    case AF_INET: {
      if (b.length < SOCKADDR_IN_BYTES) return -EINVAL;
      if (fam !== AF_INET) return -EAFNOSUPPORT;
      const port = (b[2] << 8) | b[3];
      const addr = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
      return { family: AF_INET, addr, port };
    }
    case AF_UNIX:
      return parseUnix(b, fam);
    case AF_NETLINK: {
      if (b.length < SOCKADDR_NL_BYTES) return -EINVAL;
      if (fam !== AF_NETLINK) return -EINVAL;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return { family: AF_NETLINK, pid: v.getUint32(4, true), groups: v.getUint32(8, true) };
    }
    case AF_PACKET:
      return parsePacket(b, fam);
    default:
      return -EAFNOSUPPORT;
  }
}

/**
 * sockaddr_ll (20 bytes): family, protocol (big-endian), ifindex, hatype, pkttype, halen, addr[8].
 * packet_bind/packet_sendmsg accept the short form without the address bytes too.
 */
function parsePacket(b: Uint8Array, fam: number): SockAddr | number {
  if (fam !== AF_PACKET || b.length < 12) return -EINVAL;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const halen = Math.min(b[11], 8, Math.max(0, b.length - 12));
  const addr = [...b.subarray(12, 12 + halen)].map((x) => x.toString(16).padStart(2, '0')).join(':');
  return { family: AF_PACKET, protocol: v.getUint16(2, false), ifindex: v.getInt32(4, true), hatype: v.getUint16(8, true), pkttype: b[10], addr: halen === 6 ? addr : '' };
}

/** unix_validate_addr + unix_mkname: family AF_UNIX, at most 110 bytes, path up to its first NUL. */
function parseUnix(b: Uint8Array, fam: number): SockAddr | number {
  if (fam !== AF_UNIX || b.length > SUN_PATH_OFFSET + UNIX_PATH_MAX) return -EINVAL;
  const path = b.subarray(SUN_PATH_OFFSET);
  if (path.length === 0) return { family: AF_UNIX, path: '', abstract: false };
  if (path[0] === 0) return { family: AF_UNIX, path: latin1.decode(path.subarray(1)), abstract: true };
  const nul = path.indexOf(0);
  return { family: AF_UNIX, path: utf8.decode(nul < 0 ? path : path.subarray(0, nul)), abstract: false };
}

/** The bytes getsockname/getpeername/recvfrom report (full length; the caller truncates to the buffer). */
export function emitSockaddr(a: SockAddr): Uint8Array {
  switch (a.family) {
    case AF_INET: {
      const out = new Uint8Array(SOCKADDR_IN_BYTES);
      out[0] = AF_INET;
      out[2] = (a.port >> 8) & 0xff;
      out[3] = a.port & 0xff;
      new DataView(out.buffer).setUint32(4, a.addr >>> 0, false);
      return out;
    }
    case AF_UNIX: {
      // Linux reports the length it was bound with: a path gets its NUL, an abstract name its leading NUL.
      const name = a.abstract ? Uint8Array.from(a.path, (c) => c.charCodeAt(0) & 0xff) : new TextEncoder().encode(a.path);
      if (a.path === '' && !a.abstract) return Uint8Array.of(AF_UNIX, 0);
      const out = new Uint8Array(SUN_PATH_OFFSET + 1 + name.length);
      out[0] = AF_UNIX;
      out.set(name, a.abstract ? SUN_PATH_OFFSET + 1 : SUN_PATH_OFFSET);
      return out;
    }
    case AF_NETLINK: {
      const out = new Uint8Array(SOCKADDR_NL_BYTES);
      const v = new DataView(out.buffer);
      v.setUint16(0, AF_NETLINK, true);
      v.setUint32(4, a.pid >>> 0, true);
      v.setUint32(8, a.groups >>> 0, true);
      return out;
    }
    case AF_PACKET: {
      const out = new Uint8Array(SOCKADDR_LL_BYTES);
      const v = new DataView(out.buffer);
      v.setUint16(0, AF_PACKET, true);
      v.setUint16(2, a.protocol, false);
      v.setInt32(4, a.ifindex, true);
      v.setUint16(8, a.hatype, true);
      out[10] = a.pkttype;
      if (a.addr !== '') {
        out[11] = 6;
        a.addr.split(':').forEach((h, i) => (out[12 + i] = parseInt(h, 16) & 0xff));
      }
      return out;
    }
    default:
      return Uint8Array.of(AF_UNSPEC, 0);
  }
}
