import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../machine/description/types';
import { EcamWindow, ecamOffset, LegacyConfigPorts } from './ecam';
import { assignBusNumbers, probeBus, treeAccess } from './enumerate';
import { linuxScan } from './linux-scan';
import { devfn } from './regs';
import { buildTopology } from './topology';

const specs: DeviceSpec[] = [
  { driver: 'pcie-root-port', id: 'rp', props: { slot: '1' } },
  { driver: 'nvme', bus: 'rp', props: { serial: 'x' } },
];

function tree() {
  const t = buildTopology('q35', specs);
  if (!t.ok) throw new Error(t.error);
  return t.tree;
}

describe('configuration access', () => {
  it('before bus numbering only bus 0 answers, as after a real reset', () => {
    const t = tree();
    const access = treeAccess(t);
    expect(probeBus(access, 0).map((df) => df.toString(16))).toEqual(['0', '8', 'f8', 'fa', 'fb']);
    expect(linuxScan(access, { enableAcs: false }).map((d) => d.bdf)).not.toContain('0000:01:00.0');
    expect(assignBusNumbers(access)).toBe(1);
    expect(linuxScan(access, { enableAcs: false }).map((d) => d.bdf)).toContain('0000:01:00.0');
  });

  it('the guest can renumber buses and routing follows the registers', () => {
    const t = tree();
    const access = treeAccess(t);
    assignBusNumbers(access);
    const ecam = new EcamWindow(t, 256 << 20);
    ecam.write(ecamOffset(0, devfn(1, 0), 0x19), 1, 7);
    ecam.write(ecamOffset(0, devfn(1, 0), 0x1a), 1, 7);
    expect(ecam.read(ecamOffset(1, 0, 0), 4)).toBe(0xffffffff);
    expect(ecam.read(ecamOffset(7, 0, 0), 2)).toBe(0x1b36);
  });

  it('a window smaller than 256 buses decodes only its buses; reads past a function\'s space are all ones', () => {
    const t = tree();
    assignBusNumbers(treeAccess(t));
    const small = new EcamWindow(t, 1 << 20);
    expect(small.read(ecamOffset(1, 0, 0), 4)).toBe(0xffffffff);
    expect(small.read(ecamOffset(0, 0, 0), 4)).toBe(0x29c08086);
    expect(small.read(ecamOffset(0, devfn(0x1f, 0), 0x100), 4)).toBe(0xffffffff); // ICH9 LPC is conventional
    expect(small.read(ecamOffset(0, 0, 0xffe), 4)).toBe(0xffffffff);
  });

  it('0xCF8 takes only dword writes; byte writes to 0xCF9 (reset control on real ICH9) do not disturb it', () => {
    const p = new LegacyConfigPorts(tree());
    p.write(0, 4, 0x8000_0000);
    p.write(1, 1, 0x06);
    expect(p.read(0, 4)).toBe(0x8000_0000);
    expect(p.read(4, 4)).toBe(0x29c08086);
    expect(p.read(0, 2)).toBe(0xffff);
  });
});
