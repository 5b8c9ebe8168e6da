// The cpu lines of /proc/stat: the total and one line per vCPU, in USER_HZ ticks (10 ms):
// user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice. Busy time is what
// each CPU's run queue charged; idle is the rest of the uptime.

import type { RunQueues } from './run-queues';

const USER_HZ_NS = 10_000_000;

function line(label: string, userNs: number, systemNs: number, idleNs: number): string {
  const t = (ns: number) => Math.max(0, Math.floor(ns / USER_HZ_NS));
  return `${label} ${t(userNs)} 0 ${t(systemNs)} ${t(idleNs)} 0 0 0 0 0 0\n`;
}

export function procStatCpuLines(rq: RunQueues, uptimeNs: number): string {
  let user = 0, system = 0, idle = 0;
  let perCpu = '';
  for (const c of rq.cpus) {
    const cIdle = Math.max(0, uptimeNs - c.userNs - c.systemNs);
    perCpu += line(`cpu${c.id}`, c.userNs, c.systemNs, cIdle);
    user += c.userNs;
    system += c.systemNs;
    idle += cIdle;
  }
  return line('cpu ', user, system, idle) + perCpu;
}
