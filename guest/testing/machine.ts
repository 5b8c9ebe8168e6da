// Test fixtures: a MachineDescription for each machine type, and booting a Machine with
// the kernel and a given set of native programs. Shared by the kernel's tests and benches.

import type { MachineDescription, MachineType } from '../../emulator/machine/description/types';
import { Machine, type RunStop } from '../../emulator/machine/machine';
import type { NativeEntry } from '../abi/native';
import { createGuestWith } from '../index';
import { Kernel } from '../kernel/kernel';
import { NativeRegistry } from '../kernel/native-registry';

export function testDescription(type: MachineType, overrides: Partial<MachineDescription> = {}): MachineDescription {
  return {
    arch: type === 'virt' ? 'aarch64' : 'x86_64', machine: type, machineOptions: {}, cpu: 'max',
    memoryBytes: 256 * 1024 * 1024, smp: 1, devices: [], drives: [], netdevs: [],
    append: type === 'virt' ? 'console=ttyAMA0' : 'console=ttyS0', nographic: true, noReboot: false, noDefaults: false,
    extra: {}, source: 'test', ...overrides,
  };
}

export interface BootOptions {
  type?: MachineType;
  seed?: number;
  /** Native programs by install path (e.g. `/init`, `/bin/sh`). */
  programs?: Record<string, NativeEntry>;
  initrd?: Uint8Array;
  input?: string[];
  untilNs?: number;
  description?: Partial<MachineDescription>;
  /** Called with the machine before it runs, so a test can watch devices while the guest runs. */
  onMachine?: (m: Machine) => void;
}

export interface BootResult {
  machine: Machine;
  kernel: Kernel;
  stop: RunStop;
  output: string;
}

export function bootMachine(opts: BootOptions = {}): BootResult {
  const registry = new NativeRegistry();
  let i = 0;
  for (const [path, main] of Object.entries(opts.programs ?? {})) registry.register(`prog${i++}`, main, [path]);
  const m = new Machine(testDescription(opts.type ?? 'virt', opts.description), opts.seed ?? 1);
  opts.onMachine?.(m);
  let kernel: Kernel | undefined;
  const factory = createGuestWith({ registry, initrd: opts.initrd });
  m.start((machine) => {
    const g = factory(machine);
    kernel = g as Kernel;
    return g;
  });
  for (const line of opts.input ?? []) m.console.type(line);
  m.console.closeInput();
  const stop = m.run({ untilNs: opts.untilNs ?? 100e9 });
  return { machine: m, kernel: kernel!, stop, output: Buffer.from(m.console.transcript).toString('utf8') };
}
