import { describe, expect, it } from 'vitest';
import { Machine } from '../../../emulator/machine/machine';
import { linuxScan } from '../../../emulator/pci/linux-scan';
import { testDescription } from '../../testing/machine';
import { ecamAccess, portAccess } from './config-access';

function machine(): Machine {
  return new Machine(testDescription('q35', {
    devices: [
      { driver: 'pcie-root-port', id: 'rp1', props: { slot: '1' } },
      { driver: 'e1000e', bus: 'rp1', props: {} },
    ],
  }), 1);
}

describe('guest configuration access', () => {
  it('ECAM and the 0xCF8/0xCFC ports see the same first 256 bytes of every function', () => {
    const m = machine();
    const ecam = ecamAccess(m.bus, m.layout.ecam.base, m.layout.ecam.sizeBytes);
    const ports = portAccess(m.bus);
    const devs = linuxScan(ecam, { enableAcs: false });
    expect(devs.map((d) => d.bdf)).toEqual(linuxScan(ports, { enableAcs: false }).map((d) => d.bdf));
    expect(devs.length).toBeGreaterThan(4);
    for (const d of devs) {
      for (let off = 0; off < 256; off += 4) expect(ports.read(d.bus, d.devfn, off, 4)).toBe(ecam.read(d.bus, d.devfn, off, 4));
    }
  });

  it('reads all ones where nothing answers, and beyond 0xff through the ports', () => {
    const m = machine();
    const ecam = ecamAccess(m.bus, m.layout.ecam.base, m.layout.ecam.sizeBytes);
    expect(ecam.read(0, 0x1e << 3, 0, 4)).toBe(0xffff_ffff);
    expect(portAccess(m.bus).read(0, 0, 0x100, 2)).toBe(0xffff);
    expect(ecam.read(0xff, 0xff, 0xffc, 1)).toBe(0xff);
  });
});
