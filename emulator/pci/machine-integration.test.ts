// The PciHost a Machine builds from its description: no region clashes with the machine's
// own devices, the firmware numbers the buses, and its state is part of the machine's.
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine';
import type { MachineDescription } from '../machine/description/types';

function description(machine: 'q35' | 'virt'): MachineDescription {
  return {
    arch: machine === 'q35' ? 'x86_64' : 'aarch64', machine, machineOptions: {}, cpu: 'max', memoryBytes: 256 * 1024 * 1024, smp: 1,
    devices: [
      { driver: 'pcie-root-port', id: 'rp1', props: { slot: '1' } },
      { driver: 'virtio-net-pci', bus: 'rp1', props: {} },
      { driver: 'e1000', props: {} },
    ],
    drives: [], netdevs: [], append: '', nographic: true, noReboot: false, noDefaults: false, extra: {}, source: 'test',
  };
}

describe.each(['q35', 'virt'] as const)('PciHost on a %s Machine', (type) => {
  it('attaches without clashing and numbers the root port\'s bus', () => {
    const m = new Machine(description(type), 1);
    expect(m.pci.barConflicts()).toEqual([]);
    expect(m.pci.firmwareProblems).toEqual([]);
    expect(m.pci.linuxDevices(false).map((d) => d.bdf)).toContain('0000:01:00.0');
    expect(m.saveState().pci).toBeDefined();
  });
});
