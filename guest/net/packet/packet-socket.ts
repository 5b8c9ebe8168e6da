// AF_PACKET sockets (net/packet/af_packet.c): whole link-layer frames (SOCK_RAW) or their
// payloads with a sockaddr_ll for the link header (SOCK_DGRAM), for one ethertype or all
// (ETH_P_ALL), on one interface or all. What DHCP clients such as BusyBox's udhcpc use before
// the interface has an address. Socket filters (SO_ATTACH_FILTER) and PACKET_AUXDATA are not
// modelled: both give ENOPROTOOPT, which udhcpc tolerates (it checks the packets itself).

import { EAGAIN, EINVAL, ENODEV, ENXIO, EOPNOTSUPP } from '../../kernel/errno';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../../kernel/file';
import { block, WaitQueue, type Block } from '../../kernel/wait';
import { emitEthernet, ETH } from '../wire/ethernet';
import { readMac } from '../wire/bytes';
import {
  AF_PACKET, MSG_PEEK, MSG_TRUNC, SOCK_DGRAM, type KernelSocket, type RecvResult, type SockAddr,
} from '../socket';

export const ETH_P_ALL = 0x0003;
const ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
const PACKET_HOST = 0, PACKET_BROADCAST = 1, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3, PACKET_OUTGOING = 4;
const ENETDOWN = 100, EMSGSIZE = 90, ENOPROTOOPT = 92;
const SOL_SOCKET = 1, SO_TYPE = 3, SO_ERROR = 4, SO_RCVBUF = 8, SO_PROTOCOL = 38, SO_DOMAIN = 39;
const RCVBUF_BYTES = 212_992;

/** What a packet socket needs from the stack: interfaces by index, and transmission on one. */
export interface PacketHost {
  iface(ifindex: number): { index: number; mac: string; mtuBytes: number; up: boolean; loopback: boolean } | undefined;
  /** Sends a whole frame on the interface; -errno when it cannot. */
  transmit(ifindex: number, frame: Uint8Array): number;
}

export class PacketSocket implements KernelSocket {
  readonly family = AF_PACKET;
  private readonly rx: Array<{ data: Uint8Array; from: SockAddr }> = [];
  private rxBytes = 0;
  private readonly wq = new WaitQueue();
  private ifindex = 0;
  private closed = false;

  constructor(
    private readonly host: PacketHost,
    readonly type: number,
    /** The ethertype in host order (socket(2) takes it in network order). */
    public protocol: number,
    private readonly onClose: (s: PacketSocket) => void,
  ) {}

  /** A frame seen on `ifindex` (received, or sent when `outgoing`), offered to this socket. */
  deliver(ifindex: number, frame: Uint8Array, outgoing: boolean, ourMac: string): void {
    if (this.closed || this.protocol === 0 || frame.length < ETH.headerBytes) return;
    if (this.ifindex !== 0 && this.ifindex !== ifindex) return;
    const ethertype = (frame[12] << 8) | frame[13];
    if (this.protocol !== ETH_P_ALL && this.protocol !== ethertype) return;
    // ETH_P_ALL sockets also see what the host sends; protocol-bound ones only what arrives.
    if (outgoing && this.protocol !== ETH_P_ALL) return;
    if (this.rxBytes + frame.length > RCVBUF_BYTES) return;
    const dst = readMac(frame, ETH.dst);
    const pkttype = outgoing ? PACKET_OUTGOING : dst === ourMac ? PACKET_HOST : dst === 'ff:ff:ff:ff:ff:ff' ? PACKET_BROADCAST : frame[0] & 1 ? PACKET_MULTICAST : PACKET_OTHERHOST;
    const iface = this.host.iface(ifindex);
    const from: SockAddr = {
      family: AF_PACKET, protocol: ethertype, ifindex, hatype: iface?.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER, pkttype,
      addr: readMac(frame, ETH.src),
    };
    const data = this.type === SOCK_DGRAM ? frame.slice(ETH.headerBytes) : frame.slice();
    this.rx.push({ data, from });
    this.rxBytes += data.length;
    this.wq.wakeAll();
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_PACKET) return -EINVAL;
    if (addr.ifindex !== 0 && !this.host.iface(addr.ifindex)) return -ENODEV;
    this.ifindex = addr.ifindex;
    if (addr.protocol !== 0) this.protocol = addr.protocol;
    return 0;
  }

  listen(): number {
    return -EOPNOTSUPP;
  }

  accept(): number {
    return -EOPNOTSUPP;
  }

  connect(): number {
    return -EOPNOTSUPP;
  }

  send(data: Uint8Array, _flags: number, to: SockAddr | undefined): number {
    const dest = to && to.family === AF_PACKET ? to : undefined;
    const ifindex = dest?.ifindex || this.ifindex;
    if (ifindex === 0) return -ENXIO;
    const iface = this.host.iface(ifindex);
    if (!iface) return -ENXIO;
    if (!iface.up) return -ENETDOWN;
    let frame: Uint8Array;
    if (this.type === SOCK_DGRAM) {
      if (!dest || dest.addr === '') return -EINVAL;
      if (data.length > iface.mtuBytes) return -EMSGSIZE;
      frame = emitEthernet({ dst: dest.addr, src: iface.mac, ethertype: dest.protocol || this.protocol, payload: data });
    } else {
      if (data.length < ETH.headerBytes) return -EINVAL;
      if (data.length > iface.mtuBytes + ETH.headerBytes) return -EMSGSIZE;
      frame = data.slice();
    }
    const r = this.host.transmit(ifindex, frame);
    return r < 0 ? r : data.length;
  }

  recv(maxBytes: number, flags: number, nonblocking: boolean): RecvResult | number | Block {
    const head = this.rx[0];
    if (!head) return nonblocking ? -EAGAIN : block([this.wq]);
    if (!(flags & MSG_PEEK)) {
      this.rx.shift();
      this.rxBytes -= head.data.length;
    }
    const truncated = head.data.length > maxBytes;
    const data = truncated ? head.data.subarray(0, maxBytes) : head.data;
    return { data, from: head.from, truncated, fullLengthBytes: flags & MSG_TRUNC ? head.data.length : undefined };
  }

  shutdown(): number {
    return -EOPNOTSUPP;
  }

  localAddress(): SockAddr {
    const iface = this.ifindex ? this.host.iface(this.ifindex) : undefined;
    return { family: AF_PACKET, protocol: this.protocol, ifindex: this.ifindex, hatype: iface?.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER, pkttype: PACKET_HOST, addr: iface?.mac ?? '' };
  }

  peerAddress(): number {
    return -EOPNOTSUPP;
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    if (level === SOL_SOCKET && name === SO_RCVBUF) return value.length >= 4 ? 0 : -EINVAL;
    return -ENOPROTOOPT;
  }

  getOption(level: number, name: number): Uint8Array | number {
    if (level !== SOL_SOCKET) return -ENOPROTOOPT;
    const int = (n: number): Uint8Array => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, n, true);
      return b;
    };
    if (name === SO_TYPE) return int(this.type);
    if (name === SO_ERROR) return int(0);
    if (name === SO_RCVBUF) return int(RCVBUF_BYTES);
    if (name === SO_DOMAIN) return int(AF_PACKET);
    if (name === SO_PROTOCOL) return int(((this.protocol & 0xff) << 8) | (this.protocol >> 8));
    return -ENOPROTOOPT;
  }

  poll(): { mask: number; queues: readonly WaitQueue[] } {
    return { mask: POLLOUT | POLLWRNORM | (this.rx.length > 0 ? POLLIN | POLLRDNORM : 0), queues: [this.wq] };
  }

  close(): void {
    this.closed = true;
    this.rx.length = 0;
    this.onClose(this);
  }
}
