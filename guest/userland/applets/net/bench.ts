// HTTP request rate from the guest's wget to the user network's simulated HTTP host, whole path:
// shell, wget, resolver, sockets, the IPv4/TCP stack and the user network's responder. Figures per
// request in wall time and in virtual time; a run with no requests is subtracted as the baseline
// (boot and shell start-up).

import { runNetScript } from './testing';

const PAGE = `<!doctype html>\n<html><body>${'x'.repeat(1000)}</body></html>\n`;
const USER = { dns: { 'example.com': '93.184.216.34' }, hosts: [{ ip: '93.184.216.34', http: { port: 80, pages: { '/': PAGE } } }] };

function timed(requests: number, nowMs: () => number): { wallMs: number; virtualNs: number; ok: boolean } {
  const loop = Array.from({ length: requests }, () => 'wget -q -O /dev/null http://example.com/').join('; ');
  const t0 = nowMs();
  const r = runNetScript(`${loop}${requests > 0 ? '; ' : ''}echo done; poweroff -f`, { staticConfig: true, user: USER, untilNs: 600e9 });
  // The kernel stamps its power-down line with the virtual time it happened at.
  const m = /\[ *(\d+)\.(\d{6})\] reboot: Power down/.exec(r.out);
  const virtualNs = m ? Number(m[1]) * 1e9 + Number(m[2]) * 1e3 : Number.NaN;
  return { wallMs: nowMs() - t0, virtualNs, ok: r.out.includes('done\n') && m !== null };
}

export interface HttpBenchResult {
  requests: number;
  wallRequestsPerSec: number;
  virtualRequestsPerSec: number;
}

/**
 * The simulated HTTP host closes first and keeps at most 16 connections (TIME-WAIT lasts 60 s),
 * so one boot makes at most PER_BOOT requests; more requests take more boots.
 */
const PER_BOOT = 15;

export function benchGuestHttp(nowMs: () => number, requests: number): HttpBenchResult {
  const base = timed(0, nowMs);
  let wallMs = 0, virtualNs = 0;
  for (let left = requests; left > 0; left -= PER_BOOT) {
    const run = timed(Math.min(left, PER_BOOT), nowMs);
    if (!base.ok || !run.ok) throw new Error('guest HTTP bench: the script did not finish');
    wallMs += run.wallMs - base.wallMs;
    virtualNs += run.virtualNs - base.virtualNs;
  }
  const wallS = Math.max(1e-6, wallMs / 1000);
  const virtualS = Math.max(1e-9, virtualNs / 1e9);
  return { requests, wallRequestsPerSec: requests / wallS, virtualRequestsPerSec: requests / virtualS };
}
