// The host's CPU topology from /sys/devices/system/cpu/cpuN/topology (core_id,
// physical_package_id), and the vCPU pinning the seed's Phase 0 tunes by hand: whole
// cores with their sibling threads for the VM, the first core left to the host and QEMU's
// emulator threads.

import type { SysfsView } from './sysfs-view';

export interface HostCore {
  packageId: number;
  coreId: number;
  /** Logical CPU numbers of the core's threads, ascending. */
  cpus: number[];
}

const CPU_DIR = '/devices/system/cpu';

export function readCores(view: SysfsView): HostCore[] {
  const cores = new Map<string, HostCore>();
  const names = (view.list(CPU_DIR) ?? []).filter((n) => /^cpu\d+$/.test(n));
  for (const name of names) {
    const cpu = Number(name.slice(3));
    const num = (f: string) => {
      const t = view.read(`${CPU_DIR}/${name}/topology/${f}`)?.trim();
      return t !== undefined && /^-?\d+$/.test(t) ? Number(t) : undefined;
    };
    const coreId = num('core_id');
    if (coreId === undefined) continue;
    const packageId = num('physical_package_id') ?? 0;
    const key = `${packageId}:${coreId}`;
    const c = cores.get(key) ?? { packageId, coreId, cpus: [] };
    c.cpus.push(cpu);
    cores.set(key, c);
  }
  for (const c of cores.values()) c.cpus.sort((a, b) => a - b);
  return [...cores.values()].sort((a, b) => a.packageId - b.packageId || a.cpus[0] - b.cpus[0]);
}

/** "0,6" / "0-3,8": Linux's cpu list format. */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...cpus].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface Pinning {
  /** vcpu index → host CPU. */
  vcpuPins: number[];
  emulatorCpus: number[];
  cores: number;
  threads: number;
}

/**
 * Pins `vcpus` vCPUs to whole host cores after the first (kept for the host), sibling threads
 * adjacent so the guest's cores×threads matches the host's. Undefined when the host has no
 * topology or too few CPUs; the caller then emits no pinning.
 */
export function planPinning(cores: readonly HostCore[], vcpus: number): Pinning | undefined {
  if (cores.length < 2 || vcpus < 1) return undefined;
  const threads = Math.min(...cores.map((c) => c.cpus.length));
  const usable = cores.slice(1);
  const perCore = vcpus % threads === 0 ? threads : 1;
  const needCores = Math.ceil(vcpus / perCore);
  if (needCores > usable.length) return undefined;
  const vcpuPins: number[] = [];
  for (const c of usable.slice(0, needCores)) vcpuPins.push(...c.cpus.slice(0, perCore));
  return { vcpuPins: vcpuPins.slice(0, vcpus), emulatorCpus: cores[0].cpus, cores: needCores, threads: perCore };
}
