// Shared TCP definitions: the RFC 9293 states with their Linux /proc numbers, tunables (Linux's
// sysctl defaults), per-socket TCP options and the environment a connection runs in.

import type { EventScheduler } from '../../../../emulator/time/scheduler';
import type { TcpRepr } from '../../wire/tcp';
import type { StackCore } from '../core';
import { TCP_CLOSE, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_LAST_ACK, TCP_LISTEN, TCP_SYN_RECV, TCP_SYN_SENT, TCP_TIME_WAIT } from '../consts';

export type TcpState = 'CLOSED' | 'LISTEN' | 'SYN-SENT' | 'SYN-RECEIVED' | 'ESTABLISHED' | 'FIN-WAIT-1' | 'FIN-WAIT-2' | 'CLOSE-WAIT' | 'CLOSING' | 'LAST-ACK' | 'TIME-WAIT';

export const LINUX_STATE: Record<TcpState, number> = {
  CLOSED: TCP_CLOSE, LISTEN: TCP_LISTEN, 'SYN-SENT': TCP_SYN_SENT, 'SYN-RECEIVED': TCP_SYN_RECV, ESTABLISHED: TCP_ESTABLISHED,
  'FIN-WAIT-1': TCP_FIN_WAIT1, 'FIN-WAIT-2': TCP_FIN_WAIT2, 'CLOSE-WAIT': TCP_CLOSE_WAIT, CLOSING: TCP_CLOSING, 'LAST-ACK': TCP_LAST_ACK, 'TIME-WAIT': TCP_TIME_WAIT,
};

export interface TcpTunables {
  /** tcp_syn_retries */
  synRetries: number;
  /** tcp_synack_retries */
  synAckRetries: number;
  /** tcp_retries2: data retransmissions before ETIMEDOUT. */
  dataRetries: number;
  /** TIME-WAIT length (Linux's TCP_TIMEWAIT_LEN, 60 s). */
  timeWaitNs: number;
  /** tcp_fin_timeout for orphaned FIN-WAIT-2. */
  finTimeoutNs: number;
  delayedAckNs: number;
  /** tcp_rmem[1] / tcp_wmem: default buffer sizes. */
  rcvBufBytes: number;
  sndBufBytes: number;
  /** Window scale we offer. */
  windowShift: number;
  /** tcp_sack: offer and use selective acknowledgements. */
  sack: boolean;
}

export const DEFAULT_TUNABLES: TcpTunables = {
  synRetries: 6,
  synAckRetries: 5,
  dataRetries: 15,
  timeWaitNs: 60_000_000_000,
  finTimeoutNs: 60_000_000_000,
  delayedAckNs: 40_000_000,
  rcvBufBytes: 131072,
  sndBufBytes: 131072,
  windowShift: 7,
  sack: true,
};

export interface TcpSockOptions {
  noDelay: boolean;
  /** TCP_MAXSEG set by the user (0: from the route). */
  userMss: number;
  keepIdleS: number;
  keepIntvlS: number;
  keepCnt: number;
}

export function defaultTcpOptions(): TcpSockOptions {
  return { noDelay: false, userMss: 0, keepIdleS: 7200, keepIntvlS: 75, keepCnt: 9 };
}

export interface Endpoint {
  addr: number;
  port: number;
}

export interface TcpEnv {
  readonly core: StackCore;
  readonly scheduler: EventScheduler;
  readonly tunables: TcpTunables;
  /** Emits one segment from c.local to c.remote. */
  output(local: Endpoint, remote: Endpoint, seg: TcpRepr, ttl: number, tos: number, ifname: string): void;
}
