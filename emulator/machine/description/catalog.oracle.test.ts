// The driver and CPU tables against the real binaries: every driver twinbox lets users add is one
// the binary for that machine offers (`-device help`), and the CPU lists equal `-cpu help`
// narrowed as the tables say. Needs Debian qemu-system-x86 and qemu-system-arm.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CPU_MODELS } from './cpus';
import { DRIVER_ALIASES, DRIVERS } from './drivers';
import { qemuBinary } from './qemu-emit';
import { MACHINE_ARCH, type MachineType } from './types';

function help(binary: string, option: '-device' | '-cpu'): string {
  const run = spawnSync(binary, [option, 'help'], { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`${binary}: ${run.error.message} (install Debian qemu-system-x86 / qemu-system-arm)`);
  return run.stdout;
}

describe.each<MachineType>(['virt', 'q35'])('%s', (machine) => {
  const binary = qemuBinary({ arch: MACHINE_ARCH[machine] });

  it('offers every user-creatable driver and alias twinbox accepts', () => {
    const listed = help(binary, '-device');
    for (const driver of DRIVERS.values()) {
      if (!driver.userCreatable || !driver.machines.includes(machine)) continue;
      expect(listed, driver.name).toContain(`name "${driver.name}"`);
    }
    for (const [alias, target] of DRIVER_ALIASES) expect(listed).toContain(`name "${target}", bus PCI, alias "${alias}"`);
  });

  it('knows the CPU models', () => {
    // x86 lines read `x86 NAME  (alias...)`, then a list of CPUID flags follows; arm lists bare names.
    const lines = help(binary, '-cpu').split('\n').map((line) => line.trim().split(/\s+/));
    const models = (machine === 'q35' ? lines.filter((w) => w[0] === 'x86').map((w) => w[1] ?? '') : lines.slice(1).map((w) => w[0] ?? ''))
      .filter((name) => name !== '' && name !== 'host');
    for (const model of CPU_MODELS[machine]) expect(models, model).toContain(model);
    if (machine === 'q35') expect([...CPU_MODELS.q35].sort()).toEqual(models.sort());
  });
});
