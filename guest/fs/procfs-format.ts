// The text formats of /proc files, as pure functions of plain values, matching Linux's
// seq_file output (fs/proc/*.c): widths, tabs and units exactly as Linux prints them.

export interface MeminfoValues {
  totalKb: number;
  freeKb: number;
  availableKb: number;
  buffersKb: number;
  cachedKb: number;
  shmemKb: number;
}

/** fs/proc/meminfo.c: "Name:" padded to 16 columns, the value right-aligned in 8, " kB". */
export function formatMeminfo(v: MeminfoValues): string {
  const rows: Array<[string, number]> = [
    ['MemTotal', v.totalKb], ['MemFree', v.freeKb], ['MemAvailable', v.availableKb], ['Buffers', v.buffersKb],
    ['Cached', v.cachedKb], ['SwapCached', 0], ['Active', 0], ['Inactive', 0], ['Active(anon)', 0], ['Inactive(anon)', 0],
    ['Active(file)', 0], ['Inactive(file)', 0], ['Unevictable', 0], ['Mlocked', 0], ['SwapTotal', 0], ['SwapFree', 0],
    ['Dirty', 0], ['Writeback', 0], ['AnonPages', 0], ['Mapped', 0], ['Shmem', v.shmemKb], ['KReclaimable', 0],
    ['Slab', 0], ['SReclaimable', 0], ['SUnreclaim', 0], ['KernelStack', 0], ['PageTables', 0], ['CommitLimit', v.totalKb >> 1],
    ['Committed_AS', 0], ['VmallocTotal', 133141626880], ['VmallocUsed', 0], ['VmallocChunk', 0],
  ];
  return rows.map(([k, n]) => `${(k + ':').padEnd(16)}${String(n).padStart(8)} kB\n`).join('');
}

export function formatUptime(uptimeNs: number, idleNs: number): string {
  const f = (ns: number) => `${Math.floor(ns / 1e9)}.${String(Math.floor((ns % 1e9) / 1e7)).padStart(2, '0')}`;
  return `${f(uptimeNs)} ${f(idleNs)}\n`;
}

export function formatLoadavg(running: number, total: number, lastPid: number): string {
  return `0.00 0.00 0.00 ${running}/${total} ${lastPid}\n`;
}

export function cpuinfoAarch64(cpus: number): string {
  let out = '';
  for (let i = 0; i < cpus; i++) {
    out += `processor\t: ${i}\nBogoMIPS\t: 125.00\n` +
      'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid\n' +
      'CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n';
  }
  return out;
}

export function cpuinfoX86(cpus: number): string {
  let out = '';
  for (let i = 0; i < cpus; i++) {
    out += `processor\t: ${i}\nvendor_id\t: AuthenticAMD\ncpu family\t: 15\nmodel\t\t: 107\n` +
      'model name\t: QEMU Virtual CPU version 2.5+\nstepping\t: 1\nmicrocode\t: 0x1000065\ncpu MHz\t\t: 2000.000\n' +
      `cache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: ${cpus}\ncore id\t\t: ${i}\ncpu cores\t: ${cpus}\n` +
      `apicid\t\t: ${i}\ninitial apicid\t: ${i}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n` +
      'flags\t\t: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm nopl cpuid pni cx16 hypervisor lahf_lm\n' +
      'bugs\t\t: fxsave_leak sysret_ss_attrs spectre_v1 spectre_v2\nbogomips\t: 4000.00\nTLB size\t: 1024 4K pages\n' +
      'clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 40 bits physical, 48 bits virtual\npower management:\n\n';
  }
  return out;
}

export interface PidStatValues {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  tpgid: number;
  utimeTicks: number;
  stimeTicks: number;
  cutimeTicks: number;
  cstimeTicks: number;
  numThreads: number;
  startTicks: number;
  vsizeBytes: number;
  rssPages: number;
  exitSignal: number;
  pending: bigint;
  blocked: bigint;
  ignored: bigint;
  caught: bigint;
  /** Nice level (field 19; priority, field 18, is 20 + nice). */
  nice?: number;
  /** CPU the task last ran on (field 39). */
  processor?: number;
}

/** fs/proc/array.c do_task_stat: 52 space-separated fields. */
export function formatPidStat(v: PidStatValues): string {
  const f: Array<number | string | bigint> = [
    v.pid, `(${v.comm})`, v.state, v.ppid, v.pgrp, v.session, v.ttyNr, v.tpgid, 4194560, 0, 0, 0, 0,
    v.utimeTicks, v.stimeTicks, v.cutimeTicks, v.cstimeTicks, 20 + (v.nice ?? 0), v.nice ?? 0, v.numThreads, 0, v.startTicks, v.vsizeBytes,
    v.rssPages, '18446744073709551615', 0, 0, 0, 0, 0, v.pending & 0x7fffffffn, v.blocked & 0x7fffffffn,
    v.ignored & 0x7fffffffn, v.caught & 0x7fffffffn, 0, 0, 0, v.exitSignal, Math.max(0, v.processor ?? 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return f.join(' ') + '\n';
}

export interface StatusValues {
  name: string;
  umask: number;
  state: string;
  pid: number;
  ppid: number;
  uids: number[];
  gids: number[];
  groups: number[];
  fdSize: number;
  vmSizeKb: number;
  vmRssKb: number;
  pending: bigint;
  blocked: bigint;
  ignored: bigint;
  caught: bigint;
}

const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

/** fs/proc/array.c proc_pid_status (the lines tools read). */
export function formatStatus(v: StatusValues): string {
  return `Name:\t${v.name}\nUmask:\t${v.umask.toString(8).padStart(4, '0')}\nState:\t${v.state}\nTgid:\t${v.pid}\nNgid:\t0\n` +
    `Pid:\t${v.pid}\nPPid:\t${v.ppid}\nTracerPid:\t0\nUid:\t${v.uids.join('\t')}\nGid:\t${v.gids.join('\t')}\n` +
    `FDSize:\t${v.fdSize}\nGroups:\t${v.groups.map((g) => g + ' ').join('')}\n` +
    `VmPeak:\t${String(v.vmSizeKb).padStart(8)} kB\nVmSize:\t${String(v.vmSizeKb).padStart(8)} kB\n` +
    `VmRSS:\t${String(v.vmRssKb).padStart(8)} kB\nThreads:\t1\nSigQ:\t0/3834\nSigPnd:\t${hex16(0n)}\nShdPnd:\t${hex16(v.pending)}\n` +
    `SigBlk:\t${hex16(v.blocked)}\nSigIgn:\t${hex16(v.ignored)}\nSigCgt:\t${hex16(v.caught)}\n` +
    'CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n' +
    'CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n' +
    'voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n';
}

export interface MapsLine {
  start: number;
  end: number;
  perms: string;
  offset: number;
  dev: string;
  ino: number;
  name: string;
}

/** fs/proc/task_mmu.c show_map_vma: the name starts at column 74 (padded with spaces). */
export function formatMaps(lines: readonly MapsLine[]): string {
  return lines.map((l) => {
    const head = `${l.start.toString(16).padStart(8, '0')}-${l.end.toString(16).padStart(8, '0')} ${l.perms} ${l.offset.toString(16).padStart(8, '0')} ${l.dev} ${l.ino} `;
    return l.name ? head.padEnd(73) + l.name + '\n' : head + '\n';
  }).join('');
}
