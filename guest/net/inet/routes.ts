// The main routing table: longest-prefix match, then lowest metric, then insertion order. Connected
// routes are added and removed with addresses (as Linux's fib does); `lo`'s 127/8 lives here too.

import type { RouteEntry } from '../socket';
import { EEXIST, EINVAL, ESRCH } from '../../kernel/errno';
import { prefixMask } from './consts';

export class RouteTable {
  private readonly entries: RouteEntry[] = [];

  list(): readonly RouteEntry[] {
    return this.entries;
  }

  add(r: RouteEntry): number {
    if (!(r.prefixLen >= 0 && r.prefixLen <= 32) || !Number.isInteger(r.prefixLen)) return -EINVAL;
    const dest = (r.dest & prefixMask(r.prefixLen)) >>> 0;
    if (this.entries.some((e) => e.dest === dest && e.prefixLen === r.prefixLen && e.metric === r.metric && e.ifname === r.ifname && e.gateway === r.gateway)) return -EEXIST;
    this.entries.push({ ...r, dest });
    return 0;
  }

  remove(r: RouteEntry): number {
    const dest = (r.dest & prefixMask(r.prefixLen)) >>> 0;
    const i = this.entries.findIndex((e) => e.dest === dest && e.prefixLen === r.prefixLen && (r.ifname === '' || e.ifname === r.ifname) && (r.gateway === 0 || e.gateway === r.gateway));
    if (i < 0) return -ESRCH;
    this.entries.splice(i, 1);
    return 0;
  }

  removeInterface(ifname: string, pred: (e: RouteEntry) => boolean = () => true): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].ifname === ifname && pred(this.entries[i])) this.entries.splice(i, 1);
  }

  /** Best route to `dst`, optionally restricted to one interface (SO_BINDTODEVICE). */
  lookup(dst: number, ifname?: string): RouteEntry | undefined {
    let best: RouteEntry | undefined;
    for (const e of this.entries) {
      if (ifname !== undefined && e.ifname !== ifname) continue;
      if (((dst & prefixMask(e.prefixLen)) >>> 0) !== e.dest) continue;
      if (!best || e.prefixLen > best.prefixLen || (e.prefixLen === best.prefixLen && e.metric < best.metric)) best = e;
    }
    return best;
  }
}
