// Minimal machine descriptions for tests that need a machine but not a command line.

import type { MachineDescription, MachineType } from '../description/types';
import { MACHINE_ARCH } from '../description/types';

export function bareDescription(machine: MachineType, overrides: Partial<MachineDescription> = {}): MachineDescription {
  return {
    arch: MACHINE_ARCH[machine],
    machine,
    machineOptions: {},
    cpu: machine === 'virt' ? 'cortex-a57' : 'max',
    memoryBytes: 128 * 1024 * 1024,
    smp: 1,
    devices: [],
    drives: [],
    netdevs: [],
    append: '',
    nographic: true,
    noReboot: false,
    noDefaults: true,
    extra: {},
    source: 'test',
    ...overrides,
  };
}
