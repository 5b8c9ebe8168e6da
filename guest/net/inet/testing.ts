// Test fixtures: a NetDevice on an EthernetHub port (what virtio-net gives the stack, minus the
// rings) and a ready pair of stacks on one hub, plus a driver that runs a restartable socket
// operation until it stops blocking.

import { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { EthernetHub, type HubPort } from '../../../devices/net/link';
import type { KernelSocket, NetDevice, NetDeviceStats, RecvResult } from '../socket';
import type { Block } from '../../kernel/wait';
import { newDeviceStats } from './core';
import { Ipv4Stack } from './stack';

export class HubNetDevice implements NetDevice {
  readonly stats: NetDeviceStats = newDeviceStats();
  linkUp = true;
  private receiver: ((frame: Uint8Array) => void) | null = null;
  readonly port: HubPort;
  /** Test hook: return true to lose this outgoing frame before it reaches the hub. */
  dropOutgoing: ((frame: Uint8Array) => boolean) | null = null;

  constructor(readonly name: string, readonly mac: string, hub: EthernetHub, portName: string, readonly mtuBytes = 1500) {
    this.port = hub.attach(portName, (frame) => {
      this.stats.rxPackets++;
      this.stats.rxBytes += frame.length;
      this.receiver?.(frame);
    });
  }

  transmit(frame: Uint8Array): boolean {
    if (!this.linkUp) {
      this.stats.txDropped++;
      return false;
    }
    this.stats.txPackets++;
    this.stats.txBytes += frame.length;
    if (this.dropOutgoing?.(frame)) return true;
    this.port.send(frame);
    return true;
  }

  setReceiver(receive: (frame: Uint8Array) => void): void {
    this.receiver = receive;
  }
}

export interface StackPair {
  sched: EventScheduler;
  hub: EthernetHub;
  a: Ipv4Stack;
  b: Ipv4Stack;
  devA: HubNetDevice;
  devB: HubNetDevice;
}

export const ADDR_A = 0x0a000001; // 10.0.0.1
export const ADDR_B = 0x0a000002; // 10.0.0.2

/** Two stacks, 10.0.0.1/24 (port "a") and 10.0.0.2/24 (port "b"), on one hub. */
export function stackPair(seed = 1, opts: { latencyNs?: number; mtuBytes?: number } = {}): StackPair {
  const sched = new EventScheduler();
  const root = new Prng(seed);
  const hub = new EthernetHub('lan', sched, root.fork('hub'), { latencyNs: opts.latencyNs ?? 50_000 });
  const a = new Ipv4Stack({ scheduler: sched, prng: root.fork('stack-a') });
  const b = new Ipv4Stack({ scheduler: sched, prng: root.fork('stack-b') });
  const devA = new HubNetDevice('eth0', '52:54:00:00:00:01', hub, 'a', opts.mtuBytes);
  const devB = new HubNetDevice('eth0', '52:54:00:00:00:02', hub, 'b', opts.mtuBytes);
  for (const [s, d, addr] of [[a, devA, ADDR_A], [b, devB, ADDR_B]] as const) {
    s.addDevice(d);
    s.setUp('eth0', true);
    s.addAddress('eth0', { addr, prefixLen: 24 });
  }
  return { sched, hub, a, b, devA, devB };
}

/** Runs scheduler events until `op` returns something other than a Block (or `limitNs` of virtual time passes). */
export function runUntilDone<T>(sched: EventScheduler, op: () => T | Block, limitNs = 3_600_000_000_000): T | 'timeout' {
  const stopNs = sched.now + limitNs;
  for (;;) {
    const r = op();
    if (!isBlockLike(r)) return r;
    const deadline = r.deadlineNs;
    const next = sched.nextEventTime();
    if (next === undefined || next > stopNs) return 'timeout';
    if (deadline !== undefined && deadline > sched.now && deadline < next) sched.advanceTo(deadline);
    else sched.runNext();
  }
}

function isBlockLike(r: unknown): r is Block {
  return typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'block';
}

/** The socket from socket()/accept(), or a thrown test failure. */
export function asSocket(r: KernelSocket | number | Block | 'timeout'): KernelSocket {
  if (typeof r !== 'object' || isBlockLike(r)) throw new Error(`expected a socket, got ${JSON.stringify(r)}`);
  return r;
}

export function asRecv(r: RecvResult | number | 'timeout'): RecvResult {
  if (typeof r !== 'object') throw new Error(`expected data, got ${String(r)}`);
  return r;
}
