// The interface between the IP layer and the protocols above it (ICMP sockets, UDP, TCP).

import type { Ipv4Repr } from '../wire/ipv4';
import type { KernelSocket, SocketInfo } from '../socket';
import type { Iface } from './iface';

export interface DeliveredDatagram {
  readonly ip: Ipv4Repr;
  readonly iface: Iface;
  /** Sent to a broadcast address (no ICMP errors may answer it). */
  readonly broadcast: boolean;
  /** The whole datagram as received (header included), for raw sockets and ICMP quotes. */
  readonly bytes: Uint8Array;
}

/** An ICMP error that quoted one of our datagrams, parsed back to the transport's ports. */
export interface IcmpErrorReport {
  readonly type: number;
  readonly code: number;
  /** The quoted IP header's addresses and the first 8 bytes of its payload. */
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly head: Uint8Array;
  readonly nextHopMtu: number;
}

export interface Transport {
  readonly protocol: number;
  /** false when no socket wanted it (UDP answers with port unreachable). */
  input(d: DeliveredDatagram): boolean;
  icmpError(e: IcmpErrorReport): void;
  createSocket(type: number, protocol: number): KernelSocket | number | null;
  sockets(): SocketInfo[];
}
