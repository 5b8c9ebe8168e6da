// SOCK_RAW + IPPROTO_RAW (raw(7)): the caller writes whole IPv4 datagrams (IP_HDRINCL is implied)
// and the socket receives nothing, as on Linux. Tools also open one just to have a socket for
// interface ioctls (BusyBox's udhcpc reads its interface's index and MAC that way).

import { EINVAL } from '../../kernel/errno';
import type { Block } from '../../kernel/wait';
import { AF_INET, AF_UNSPEC, SOCK_RAW, type SockAddr } from '../socket';
import { parseIpv4 } from '../wire/ipv4';
import { EAFNOSUPPORT, EADDRNOTAVAIL, EMSGSIZE } from './consts';
import type { StackCore } from './core';
import { DatagramSocket } from './dgram';

export const IPPROTO_RAW = 255;
const MAX_DATAGRAM_BYTES = 65535;

export class RawIpSocket extends DatagramSocket {
  constructor(private readonly core: StackCore) {
    super(SOCK_RAW, IPPROTO_RAW, (n) => core.interfaceExists(n));
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (addr.addr !== 0 && !this.core.isLocalAddress(addr.addr)) return -EADDRNOTAVAIL;
    this.local = { addr: addr.addr >>> 0, port: 0 };
    return 0;
  }

  connect(addr: SockAddr): number {
    if (addr.family === AF_UNSPEC) {
      this.remote = null;
      return 0;
    }
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    this.remote = { addr: addr.addr >>> 0, port: 0 };
    return 0;
  }

  /** The datagram's own header says where it goes; the stack routes it and fills in the checksum. */
  send(data: Uint8Array): number | Block {
    if (data.length > MAX_DATAGRAM_BYTES) return -EMSGSIZE;
    // Linux recomputes the checksum of an IP_HDRINCL header, so the caller's is not checked.
    const parsed = parseIpv4(data, { ignoreChecksum: true });
    if (!parsed.ok) return -EINVAL;
    const ip = parsed.value;
    const r = this.core.sendIp({
      src: ip.src, dst: ip.dst, protocol: ip.protocol, payload: ip.payload, ttl: ip.ttl, tos: ip.tos,
      ifname: this.opts.bindToDevice || undefined, broadcast: this.opts.broadcast,
    });
    return r < 0 ? r : data.length;
  }

  protected release(): void {
    // Nothing is registered: IPPROTO_RAW sockets are never given received datagrams.
  }
}
