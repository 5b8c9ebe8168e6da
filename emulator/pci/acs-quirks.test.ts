import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../machine/description/types';
import { ACS_QUIRKS, quirkAcsEnabled } from './acs-quirks';
import type { ConfigAccess } from './enumerate';
import { assignBusNumbers, treeAccess } from './enumerate';
import { computeIommuGroups, REQ_ACS_FLAGS } from './iommu-groups';
import { linuxScan, type LinuxPciDev } from './linux-scan';
import { buildTopology } from './topology';

const d = (driver: string, extra: Partial<DeviceSpec> = {}): DeviceSpec => ({ driver, props: {}, ...extra });

function groups(specs: DeviceSpec[], enableAcs = true, acpiIvrs = false): string[] {
  const t = buildTopology('q35', specs);
  if (!t.ok) throw new Error(t.error);
  const access = treeAccess(t.tree);
  assignBusNumbers(access);
  return computeIommuGroups(linuxScan(access, { enableAcs }), access, { acpiIvrs })
    .map((g) => g.devices.map((x) => x.bdf.slice(5)).sort().join(' '));
}

function fakeDev(over: Partial<LinuxPciDev>): LinuxPciDev {
  return {
    index: 0, bus: 1, devfn: 0, bdf: '0000:01:00.0', vendorId: 0x8086, deviceId: 0, classCode: 0, revision: 0, isBridge: false,
    multifunction: false, pcieType: 'endpoint', acsOffset: undefined, upstream: undefined, secondaryBus: undefined, acsQuirkEnabled: false, ...over,
  };
}

const NO_ACCESS: ConfigAccess = { read: () => 0, write: () => {} };

describe('Linux ACS quirks', () => {
  it('an Intel PCH root port without ACS isolates once Linux enabled its quirk (IOMMU on)', () => {
    const specs = [
      d('host-intel-pch-root-port', { id: 'pch' }),
      d('host-nvidia-rtx3070', { bus: 'pch', addr: '0.0', multifunction: true }),
      d('host-nvidia-rtx3070-audio', { bus: 'pch', addr: '0.1' }),
    ];
    expect(groups(specs)).toContain('00:01.0');
    expect(groups(specs)).toContain('01:00.0 01:00.1');
    expect(groups(specs, false)).toContain('00:01.0 01:00.0 01:00.1');
  });

  it('a multifunction Intel 82576 NIC is split per function by the quirk table', () => {
    const specs = [d('host-intel-82576', { addr: '5.0', multifunction: true }), d('host-intel-82576', { addr: '5.1' })];
    expect(groups(specs)).toEqual(expect.arrayContaining(['00:05.0', '00:05.1']));
  });

  it('Intel root complex integrated endpoints count as isolated even when multifunction', () => {
    expect(quirkAcsEnabled(fakeDev({ pcieType: 'rcIntegratedEndpoint', multifunction: true }), REQ_ACS_FLAGS, { access: NO_ACCESS, acpiIvrs: false })).toBe(true);
    expect(quirkAcsEnabled(fakeDev({ pcieType: 'endpoint', deviceId: 0x1234 }), REQ_ACS_FLAGS, { access: NO_ACCESS, acpiIvrs: false })).toBeUndefined();
  });

  it('Sunrise Point root ports read their ACS control as a dword at +8', () => {
    const regs = new Map<number, number>([[0x104, 0x1f], [0x108, 0x1d]]);
    const access: ConfigAccess = { read: (_b, _d, off) => regs.get(off) ?? 0, write: () => {} };
    const spt = fakeDev({ deviceId: 0xa290, pcieType: 'rootPort', acsOffset: 0x100 });
    expect(quirkAcsEnabled(spt, REQ_ACS_FLAGS, { access, acpiIvrs: false })).toBe(true);
    regs.set(0x108, 0x01);
    expect(quirkAcsEnabled(spt, REQ_ACS_FLAGS, { access, acpiIvrs: false })).toBe(false);
  });

  it('vendor-wide ranged entries: Zhaoxin ports outside the list are not isolated; Cavium has no opinion', () => {
    const env = { access: NO_ACCESS, acpiIvrs: false };
    expect(quirkAcsEnabled(fakeDev({ vendorId: 0x1d17, deviceId: 0x0715, pcieType: 'rootPort' }), REQ_ACS_FLAGS, env)).toBe(true);
    expect(quirkAcsEnabled(fakeDev({ vendorId: 0x1d17, deviceId: 0x0800, pcieType: 'rootPort' }), REQ_ACS_FLAGS, env)).toBe(false);
    expect(quirkAcsEnabled(fakeDev({ vendorId: 0x177d, deviceId: 0x0800, pcieType: 'rootPort' }), REQ_ACS_FLAGS, env)).toBeUndefined();
  });

  it('AMD southbridge functions on the root bus need an IVRS table', () => {
    const sb = fakeDev({ vendorId: 0x1002, deviceId: 0x4385, multifunction: true, pcieType: undefined });
    expect(quirkAcsEnabled(sb, REQ_ACS_FLAGS, { access: NO_ACCESS, acpiIvrs: false })).toBeUndefined();
    expect(quirkAcsEnabled(sb, REQ_ACS_FLAGS, { access: NO_ACCESS, acpiIvrs: true })).toBe(true);
  });

  it('has no QEMU device in it (so the QEMU-vs-Linux fixtures are unaffected except Intel RCiEPs)', () => {
    const qemuVendors = new Set([0x1af4, 0x1b36, 0x1234, 0x104c]);
    expect(ACS_QUIRKS.filter((q) => qemuVendors.has(q.vendorId))).toEqual([]);
  });
});
