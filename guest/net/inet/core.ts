// What the protocol layers (ICMP, UDP, TCP, raw) see of the stack: IP output with source selection,
// the clock and randomness, local-address checks, counters. Keeping it an interface lets each layer
// be tested against the whole stack without importing it.

import type { EventScheduler } from '../../../emulator/time/scheduler';
import type { Prng } from '../../../emulator/random/prng';
import type { NetDeviceStats } from '../socket';

export interface IpSendRequest {
  /** 0 lets the stack choose the source from the route (or send from 0.0.0.0 when it has none and ifname is set). */
  src: number;
  dst: number;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  tos?: number;
  /** SO_BINDTODEVICE: route only through this interface. */
  ifname?: string;
  dontFragment?: boolean;
  /** SO_BROADCAST: without it a broadcast destination is EACCES. */
  broadcast?: boolean;
}

/** /proc/net/snmp counters the stack keeps (a subset of Linux's names). */
export interface SnmpCounters {
  ipInReceives: number;
  ipInHdrErrors: number;
  ipInAddrErrors: number;
  ipInUnknownProtos: number;
  ipInDelivers: number;
  ipOutRequests: number;
  ipOutNoRoutes: number;
  ipReasmReqds: number;
  ipReasmOKs: number;
  ipReasmFails: number;
  ipFragOKs: number;
  ipFragCreates: number;
  icmpInMsgs: number;
  icmpInErrors: number;
  icmpOutMsgs: number;
  tcpActiveOpens: number;
  tcpPassiveOpens: number;
  tcpAttemptFails: number;
  tcpEstabResets: number;
  tcpInSegs: number;
  tcpOutSegs: number;
  tcpRetransSegs: number;
  tcpInErrs: number;
  tcpOutRsts: number;
  /** TcpExt TCPTimeouts / TCPFastRetrans: how losses were repaired. */
  tcpTimeouts: number;
  tcpFastRetrans: number;
  udpInDatagrams: number;
  udpNoPorts: number;
  udpInErrors: number;
  udpOutDatagrams: number;
  arpDropped: number;
}

export function newCounters(): SnmpCounters {
  return {
    ipInReceives: 0, ipInHdrErrors: 0, ipInAddrErrors: 0, ipInUnknownProtos: 0, ipInDelivers: 0, ipOutRequests: 0, ipOutNoRoutes: 0,
    ipReasmReqds: 0, ipReasmOKs: 0, ipReasmFails: 0, ipFragOKs: 0, ipFragCreates: 0, icmpInMsgs: 0, icmpInErrors: 0, icmpOutMsgs: 0,
    tcpActiveOpens: 0, tcpPassiveOpens: 0, tcpAttemptFails: 0, tcpEstabResets: 0, tcpInSegs: 0, tcpOutSegs: 0, tcpRetransSegs: 0,
    tcpInErrs: 0, tcpOutRsts: 0, tcpTimeouts: 0, tcpFastRetrans: 0, udpInDatagrams: 0, udpNoPorts: 0, udpInErrors: 0, udpOutDatagrams: 0, arpDropped: 0,
  };
}

export function newDeviceStats(): NetDeviceStats {
  return { rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 };
}

export interface StackCore {
  readonly scheduler: EventScheduler;
  readonly prng: Prng;
  readonly counters: SnmpCounters;
  /** 0 or -errno (ENETUNREACH, EACCES for broadcast without SO_BROADCAST, EMSGSIZE with DF over the MTU). */
  sendIp(req: IpSendRequest): number;
  /** The source address the stack would use towards `dst`, or -errno. */
  sourceFor(dst: number, ifname?: string): number;
  isLocalAddress(addr: number): boolean;
  interfaceExists(ifname: string): boolean;
  /** MTU of the route towards `dst` (for TCP's MSS). */
  pathMtu(dst: number, ifname?: string): number;
  log(line: string): void;
}
