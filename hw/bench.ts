// `hw scan` timing over a 64-function q35 machine: the simulated sysfs read in-process, and the
// same tree exported to the host filesystem and read back like a real /sys.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQemuArgs } from '../emulator/machine/description/qemu-args';
import { exportSysfs } from './export-sysfs';
import { DirSysfs } from './host-sysfs';
import { readPciFns } from './pci-read';
import { scan } from './scan';
import { bootSimHost } from './sim-sysfs';
import type { SysfsView } from './sysfs-view';

/** q35 board (4) + VGA + 21 root ports + 20 e1000e + a PCIe-to-PCI bridge with 17 e1000 = 64 functions. */
export function sixtyFourFunctionArgs(): string[] {
  const args = ['-M', 'q35', '-nodefaults', '-device', 'intel-iommu', '-device', 'VGA', '-append', 'console=ttyS0 intel_iommu=on iommu=pt'];
  for (let i = 1; i <= 20; i++) args.push('-device', `pcie-root-port,id=rp${i},slot=${i}`, '-device', `e1000e,bus=rp${i}`);
  args.push('-device', 'pcie-root-port,id=rpb,slot=21', '-device', 'pcie-pci-bridge,id=pb,bus=rpb');
  for (let s = 1; s <= 17; s++) args.push('-device', `e1000,bus=pb,addr=${s.toString(16)}`);
  return args;
}

function timePerRun(view: SysfsView, runs: number, nowMs: () => number): number {
  const t0 = nowMs();
  for (let i = 0; i < runs; i++) scan(view);
  return (nowMs() - t0) / runs;
}

export interface HwBench {
  functions: number;
  simMsPerScan: number;
  exportedMsPerScan: number;
}

export function benchHwScan(runs: number, nowMs: () => number): HwBench {
  const desc = parseQemuArgs(sixtyFourFunctionArgs());
  if (!desc.ok) throw new Error(desc.error);
  const b = bootSimHost(desc.value);
  if (!b.ok) throw new Error(b.error);
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-hw-bench-'));
  try {
    exportSysfs(b.host.sys, dir);
    const exported = new DirSysfs(dir);
    return {
      functions: readPciFns(b.host.sys).length,
      simMsPerScan: timePerRun(b.host.sys, runs, nowMs),
      exportedMsPerScan: timePerRun(exported, runs, nowMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
