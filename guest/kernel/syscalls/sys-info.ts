// System information and control: uname, host and domain names, sysinfo, reboot, the
// kernel log (syslog/klogctl), getrandom, resource limits and usage, personality
// (the scheduling calls are in sched/sys-sched.ts).

import { EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import type { Kernel } from '../kernel';
import { UTS_RELEASE, UTS_VERSION } from '../boot';
import { decodeRlimit, encodeRlimit, encodeRusage, encodeSysinfo, encodeTms, encodeUtsname } from '../structs';
import type { Task } from '../task';
import { asInt, copyIn, copyOut } from '../uaccess';
import type { SysResult } from '../wait';
import type { SyscallHandler } from './types';

const LINUX_REBOOT_MAGIC1 = 0xfee1dead;
const MAGIC2 = [672274793, 85072278, 369367448, 537993216];
const CMD_RESTART = 0x01234567, CMD_HALT = 0xcdef0123, CMD_CAD_ON = 0x89abcdef, CMD_CAD_OFF = 0;
const CMD_POWER_OFF = 0x4321fedc, CMD_RESTART2 = 0xa1b2c3d4;
const RLIMIT_NLIMITS = 16, RLIMIT_NOFILE = 7;
const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
const HOST_NAME_MAX = 64;

function sysUname(k: Kernel, t: Task, a: readonly number[]): number {
  const u = encodeUtsname({
    sysname: 'Linux', nodename: k.hostname, release: UTS_RELEASE, version: UTS_VERSION,
    machine: k.arch === 'aarch64' ? 'aarch64' : 'x86_64', domainname: k.domainname,
  });
  return copyOut(t, a[0], u) ? 0 : -EFAULT;
}

function setName(t: Task, a: readonly number[], set: (s: string) => void): number {
  if (t.cred.euid !== 0) return -EPERM;
  const len = asInt(a[1]);
  if (len < 0 || len > HOST_NAME_MAX) return -EINVAL;
  const b = copyIn(t, a[0], len);
  if (!b) return -EFAULT;
  set(Buffer.from(b).toString('utf8'));
  return 0;
}

function sysReboot(k: Kernel, t: Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  if (a[0] >>> 0 !== LINUX_REBOOT_MAGIC1 || !MAGIC2.includes(a[1] >>> 0)) return -EINVAL;
  const cmd = a[2] >>> 0;
  const m = k.machine;
  switch (cmd) {
    case CMD_CAD_ON: case CMD_CAD_OFF: return 0;
    case CMD_RESTART: case CMD_RESTART2:
      k.klog.printk('reboot: Restarting system', 0);
      m.requestReset();
      return 0;
    case CMD_HALT:
      k.klog.printk('reboot: System halted', 0);
      m.powerOff();
      return 0;
    case CMD_POWER_OFF:
      if (m.layout.powerOff.kind === 'acpi-pm') {
        // Linux on ACPI machines announces the S5 transition before the power-down line.
        k.klog.printk('ACPI: PM: Preparing to enter system sleep state S5', 0);
        k.klog.printk('reboot: Power down', 0);
        m.bus.outPort(m.layout.powerOff.port, 2, m.layout.powerOff.value);
      } else {
        k.klog.printk('reboot: Power down', 0);
        m.powerOff(); // PSCI SYSTEM_OFF: a call into firmware
      }
      return 0;
    default: return -EINVAL;
  }
}

function sysSyslog(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const type = asInt(a[0]), buf = a[1], len = asInt(a[2]);
  const text = () => new TextEncoder().encode(k.klog.syslogText());
  switch (type) {
    case 0: case 1: return 0;
    case 2: case 3: case 4: {
      if (len < 0) return -EINVAL;
      if (len === 0) return 0;
      const all = text();
      const out = type === 2 ? all.subarray(0, len) : all.subarray(Math.max(0, all.length - len));
      if (!copyOut(t, buf, out)) return -EFAULT;
      if (type === 4) k.klog.clear();
      return out.length;
    }
    case 5: k.klog.clear(); return 0;
    case 6: k.klog.consoleLevel = 1; return 0;
    case 7: k.klog.consoleLevel = 7; return 0;
    case 8: if (len < 1 || len > 8) return -EINVAL; k.klog.consoleLevel = len; return 0;
    case 9: return text().length;
    case 10: return 1 << 17;
    default: return -EINVAL;
  }
}

function sysPrlimit(k: Kernel, t: Task, a: readonly number[]): number {
  const pid = asInt(a[0]), res = asInt(a[1]);
  const target = pid === 0 ? t : k.tasks.get(pid);
  if (!target) return -ESRCH;
  if (res < 0 || res >= RLIMIT_NLIMITS) return -EINVAL;
  const cur = target.rlimits[res];
  const old = { ...cur };
  if (a[2] !== 0) {
    const b = copyIn(t, a[2], 16);
    if (!b) return -EFAULT;
    const n = decodeRlimit(b);
    if (n.cur > n.max) return -EINVAL;
    if (n.max > cur.max && t.cred.euid !== 0) return -EPERM;
    if (res === RLIMIT_NOFILE && n.max > 1048576n) return -EPERM;
    target.rlimits[res] = n;
    if (res === RLIMIT_NOFILE) target.fds.limit = Number(n.cur);
  }
  if (a[3] !== 0 && !copyOut(t, a[3], encodeRlimit(old.cur, old.max))) return -EFAULT;
  return 0;
}

function sysSysinfo(k: Kernel, t: Task, a: readonly number[]): number {
  const totalram = k.frames.totalFrames * 4096;
  const freeram = k.frames.freeFrames * 4096;
  const s = encodeSysinfo({ uptimeS: Math.floor(k.now / 1e9), loads: [0, 0, 0], totalram, freeram, sharedram: 0, bufferram: 0, procs: k.tasks.size });
  return copyOut(t, a[0], s) ? 0 : -EFAULT;
}

function sysGetrusage(t: Task, a: readonly number[]): number {
  const who = asInt(a[0]);
  let u;
  if (who === RUSAGE_SELF || who === RUSAGE_THREAD) u = t.usage;
  else if (who === RUSAGE_CHILDREN) u = t.childUsage;
  else return -EINVAL;
  return copyOut(t, a[1], encodeRusage(u)) ? 0 : -EFAULT;
}

function sysGetrandom(k: Kernel, t: Task, a: readonly number[]): number {
  const len = Math.min(a[1], 33554431);
  if (asInt(a[2]) & ~7 || len < 0) return -EINVAL;
  const b = new Uint8Array(len);
  k.random.fill(b);
  return copyOut(t, a[0], b) ? len : -EFAULT;
}

export const infoHandlers: Record<string, SyscallHandler> = {
  uname: sysUname,
  sethostname: (k, t, a) => setName(t, a, (s) => (k.hostname = s)),
  setdomainname: (k, t, a) => setName(t, a, (s) => (k.domainname = s)),
  reboot: sysReboot,
  syslog: sysSyslog,
  prlimit64: sysPrlimit,
  getrlimit: (k, t, a) => sysPrlimit(k, t, [0, a[0], 0, a[1]]),
  setrlimit: (k, t, a) => sysPrlimit(k, t, [0, a[0], a[1], 0]),
  sysinfo: sysSysinfo,
  getrusage: (_k, t, a) => sysGetrusage(t, a),
  times: (k, t, a) => {
    if (a[0] !== 0 && !copyOut(t, a[0], encodeTms(t.usage.utimeNs, t.usage.stimeNs, t.childUsage.utimeNs, t.childUsage.stimeNs))) return -EFAULT;
    return Math.floor(k.now / 10_000_000);
  },
  getrandom: sysGetrandom,
  personality: (_k, _t, a) => (a[0] >>> 0 === 0xffffffff ? 0 : 0),
};
