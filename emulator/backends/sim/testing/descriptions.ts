// Minimal machine descriptions for tests, as `-M virt` / `-M q35 -nodefaults` would give.

import { MACHINE_ARCH, type MachineDescription, type MachineType } from '../../../machine/description/types';

export function testDescription(machine: MachineType, overrides: Partial<MachineDescription> = {}): MachineDescription {
  return {
    arch: MACHINE_ARCH[machine], machine, machineOptions: {}, cpu: machine === 'virt' ? 'cortex-a57' : 'qemu64',
    memoryBytes: 128 * 1024 * 1024, smp: 1, devices: [], drives: [], netdevs: [], append: '',
    nographic: true, noReboot: false, noDefaults: true, extra: {}, source: 'test', ...overrides,
  };
}
