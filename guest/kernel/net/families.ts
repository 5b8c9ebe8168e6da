// socket(2)/socketpair(2) by family (net/socket.c __sock_create): AF_UNIX here, AF_INET from the
// IPv4 stack, AF_PACKET from the stack's interfaces, AF_NETLINK (NETLINK_ROUTE). Errors follow Linux: an unknown family is
// EAFNOSUPPORT, a type the family lacks ESOCKTNOSUPPORT, a protocol it lacks EPROTONOSUPPORT.

import type { Kernel } from '../kernel';
import { AF_INET, AF_NETLINK, AF_PACKET, AF_UNIX, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM, type KernelSocket } from '../../net/socket';
import { UnixSocket } from '../../net/unix/unix-socket';
import { NetlinkSocket, NETLINK_ROUTE, type NetlinkHost } from '../../net/netlink/netlink-socket';
import { EAFNOSUPPORT, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT } from './errno-net';
import { EPERM } from '../errno';
import { netStateOf } from './state';
import { ensureNet } from './boot-net';

/** AF_MAX on Linux 6.x. */
const AF_MAX = 46;

function unixType(type: number, protocol: number): number {
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  // unix_create: SOCK_RAW is quietly a datagram socket.
  if (type === SOCK_RAW) return SOCK_DGRAM;
  return type === SOCK_STREAM || type === SOCK_DGRAM || type === SOCK_SEQPACKET ? type : -ESOCKTNOSUPPORT;
}

function netlinkHost(k: Kernel): NetlinkHost {
  return {
    net: () => ensureNet(k),
    caller: () => ({ tgid: k.current?.tgid ?? 0, admin: (k.current?.cred.euid ?? 0) === 0 }),
    ports: netStateOf(k).netlinkPorts,
  };
}

export function createSocket(k: Kernel, family: number, type: number, protocol: number): KernelSocket | number {
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  switch (family) {
    case AF_UNIX: {
      const t = unixType(type, protocol);
      return t < 0 ? t : new UnixSocket(netStateOf(k).unix, t);
    }
    case AF_INET:
      return ensureNet(k).createSocket(type, protocol);
    case AF_PACKET:
      // packet_create: CAP_NET_RAW, then the type; the protocol arrives in network byte order.
      if ((k.current?.cred.euid ?? 0) !== 0) return -EPERM;
      if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
      return ensureNet(k).createPacketSocket(type, ((protocol & 0xff) << 8) | ((protocol >> 8) & 0xff));
    case AF_NETLINK:
      if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
      if (protocol !== NETLINK_ROUTE) return -EPROTONOSUPPORT;
      return new NetlinkSocket(netlinkHost(k), type);
    default:
      return -EAFNOSUPPORT;
  }
}

/** socketpair: AF_UNIX only (other families' socketpair is EOPNOTSUPP, unknown ones EAFNOSUPPORT). */
export function createSocketPair(k: Kernel, family: number, type: number, protocol: number): [KernelSocket, KernelSocket] | number {
  if (family === AF_INET || family === AF_NETLINK || family === AF_PACKET) return -EOPNOTSUPP;
  if (family !== AF_UNIX) return -EAFNOSUPPORT;
  const t = unixType(type, protocol);
  return t < 0 ? t : UnixSocket.pair(netStateOf(k).unix, t);
}
