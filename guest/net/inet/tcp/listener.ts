// A listening socket's queues: connections in SYN-RECEIVED and established ones waiting for
// accept(). The backlog bounds both together, as Linux's (somaxconn-capped) accept queue does;
// SYNs beyond it are dropped so the client retries. Like Linux, backlog n admits n + 1.

import { WaitQueue } from '../../../kernel/wait';
import type { CommonOptions } from '../sockopt';
import type { TcpConnection } from './conn';
import type { Endpoint, TcpSockOptions } from './types';

/** net.core.somaxconn */
export const SOMAXCONN = 4096;

export class TcpListener {
  readonly wq = new WaitQueue();
  readonly synQueue = new Set<TcpConnection>();
  readonly acceptQueue: TcpConnection[] = [];
  backlog: number;

  constructor(readonly local: Endpoint, backlog: number, readonly opts: CommonOptions, readonly tcpOpts: TcpSockOptions) {
    this.backlog = clampBacklog(backlog);
  }

  get full(): boolean {
    return this.acceptQueue.length > this.backlog || this.synQueue.size > this.backlog + 64;
  }

  established(c: TcpConnection): void {
    this.synQueue.delete(c);
    this.acceptQueue.push(c);
    this.wq.wakeAll();
  }

  /** A queued connection went away before accept() took it. */
  forget(c: TcpConnection): void {
    this.synQueue.delete(c);
    const i = this.acceptQueue.indexOf(c);
    if (i >= 0) this.acceptQueue.splice(i, 1);
  }
}

export function clampBacklog(n: number): number {
  return Math.max(0, Math.min(SOMAXCONN, n));
}
