// ARP (RFC 826) over one stack's Ethernet interfaces: a neighbour cache with timeouts, requests
// with retries while datagrams wait, replies to requests for our addresses, and gratuitous ARP when
// an address is added. All timing is on the machine's scheduler.

import type { EventHandle, EventScheduler } from '../../../emulator/time/scheduler';
import { ARP_REPLY, ARP_REQUEST, type ArpRepr } from '../wire/arp';
import { BROADCAST_MAC } from '../wire/bytes';
import { arpFrame } from '../wire/frame';
import type { Iface } from './iface';

/** Linux: base_reachable_time 30 s; entries are then re-resolved on use. */
export const ARP_REACHABLE_NS = 30_000_000_000;
export const ARP_RETRY_NS = 1_000_000_000;
/** mcast_solicit */
export const ARP_MAX_TRIES = 3;
const MAX_QUEUED_PER_ENTRY = 64;

interface Entry {
  readonly iface: Iface;
  readonly addr: number;
  mac: string | null;
  updatedNs: number;
  tries: number;
  /** Ethernet payloads (IPv4 datagrams) waiting for the MAC. */
  queue: Uint8Array[];
  timer: EventHandle | null;
}

export interface ArpHooks {
  scheduler: EventScheduler;
  sendFrame(iface: Iface, frame: Uint8Array): void;
  /** Builds the Ethernet frame for a queued datagram once the MAC is known. */
  sendResolved(iface: Iface, mac: string, datagram: Uint8Array): void;
  ownsAddress(iface: Iface, addr: number): boolean;
  /** Resolution failed: the queued datagrams are dropped (the stack reports them host-unreachable). */
  unreachable(iface: Iface, addr: number, dropped: readonly Uint8Array[]): void;
}

export class ArpCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly hooks: ArpHooks) {}

  /** Sends `datagram` to `nextHop` on `iface`, resolving first if needed. */
  output(iface: Iface, nextHop: number, src: number, datagram: Uint8Array): void {
    const now = this.hooks.scheduler.now;
    let e = this.entries.get(key(iface, nextHop));
    if (e && e.mac !== null && now - e.updatedNs < ARP_REACHABLE_NS) {
      this.hooks.sendResolved(iface, e.mac, datagram);
      return;
    }
    if (!e) {
      e = { iface, addr: nextHop, mac: null, updatedNs: now, tries: 0, queue: [], timer: null };
      this.entries.set(key(iface, nextHop), e);
    }
    if (e.queue.length < MAX_QUEUED_PER_ENTRY) e.queue.push(datagram);
    if (e.timer === null) this.solicit(e, src);
  }

  private solicit(e: Entry, src: number): void {
    if (e.tries >= ARP_MAX_TRIES) {
      this.entries.delete(key(e.iface, e.addr));
      this.hooks.unreachable(e.iface, e.addr, e.queue);
      return;
    }
    e.tries++;
    // A stale entry is re-checked by unicast first, as Linux's NUD_PROBE does.
    const dstMac = e.mac ?? BROADCAST_MAC;
    const req: ArpRepr = { operation: ARP_REQUEST, senderMac: e.iface.mac, senderIp: src, targetMac: '00:00:00:00:00:00', targetIp: e.addr };
    this.hooks.sendFrame(e.iface, arpFrame({ srcMac: e.iface.mac, dstMac }, req));
    e.timer = this.hooks.scheduler.scheduleAfter(ARP_RETRY_NS, () => {
      e.timer = null;
      this.solicit(e, src);
    }, `arp:${e.iface.name}:retry`);
  }

  input(iface: Iface, arp: ArpRepr): void {
    if (arp.senderIp === 0 && arp.operation === ARP_REQUEST) {
      // Address probe (RFC 5227): answer only if we own the target.
      if (this.hooks.ownsAddress(iface, arp.targetIp)) this.reply(iface, arp);
      return;
    }
    const forUs = this.hooks.ownsAddress(iface, arp.targetIp);
    const e = this.entries.get(key(iface, arp.senderIp));
    if (e) this.learn(e, arp.senderMac);
    else if (forUs) {
      const fresh: Entry = { iface, addr: arp.senderIp, mac: null, updatedNs: 0, tries: 0, queue: [], timer: null };
      this.entries.set(key(iface, arp.senderIp), fresh);
      this.learn(fresh, arp.senderMac);
    }
    if (forUs && arp.operation === ARP_REQUEST) this.reply(iface, arp);
  }

  private learn(e: Entry, mac: string): void {
    e.mac = mac;
    e.updatedNs = this.hooks.scheduler.now;
    e.tries = 0;
    if (e.timer !== null) this.hooks.scheduler.cancel(e.timer);
    e.timer = null;
    const queued = e.queue;
    e.queue = [];
    for (const d of queued) this.hooks.sendResolved(e.iface, mac, d);
  }

  private reply(iface: Iface, req: ArpRepr): void {
    const rep: ArpRepr = { operation: ARP_REPLY, senderMac: iface.mac, senderIp: req.targetIp, targetMac: req.senderMac, targetIp: req.senderIp };
    this.hooks.sendFrame(iface, arpFrame({ srcMac: iface.mac, dstMac: req.senderMac }, rep));
  }

  /** Gratuitous ARP (a request for our own address) when an address is configured. */
  announce(iface: Iface, addr: number): void {
    const req: ArpRepr = { operation: ARP_REQUEST, senderMac: iface.mac, senderIp: addr, targetMac: '00:00:00:00:00:00', targetIp: addr };
    this.hooks.sendFrame(iface, arpFrame({ srcMac: iface.mac, dstMac: BROADCAST_MAC }, req));
  }

  flushInterface(iface: Iface): void {
    for (const [k, e] of [...this.entries]) {
      if (e.iface !== iface) continue;
      if (e.timer !== null) this.hooks.scheduler.cancel(e.timer);
      this.entries.delete(k);
    }
  }

  table(): { addr: number; mac: string; ifname: string; complete: boolean }[] {
    const now = this.hooks.scheduler.now;
    return [...this.entries.values()].map((e) => ({ addr: e.addr, mac: e.mac ?? '00:00:00:00:00:00', ifname: e.iface.name, complete: e.mac !== null && now - e.updatedNs < ARP_REACHABLE_NS }));
  }
}

function key(iface: Iface, addr: number): string {
  return `${iface.index}/${addr >>> 0}`;
}
