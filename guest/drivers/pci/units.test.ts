import { describe, expect, it } from 'vitest';
import { ANY_ID, idMatches, parseNewId } from './driver-table';
import { decideIommu } from './iommu';
import { bridgeWindowResources, formatResourceFile } from './resource-format';

const q35 = (iommu: boolean) => ({ machine: 'q35' as const, machineOptions: {}, devices: iommu ? [{ driver: 'intel-iommu', props: {} }] : [] });

describe('IOMMU decision', () => {
  it('needs both the DMAR unit and intel_iommu=on on q35', () => {
    expect(decideIommu(q35(true), 'intel_iommu=on iommu=pt').kind).toBe('intel');
    expect(decideIommu(q35(true), 'intel_iommu=on iommu=pt').passthrough).toBe(true);
    expect(decideIommu(q35(true), '').kind).toBeUndefined();
    expect(decideIommu(q35(false), 'intel_iommu=on').kind).toBeUndefined();
    expect(decideIommu(q35(true), 'intel_iommu=on intel_iommu=off').kind).toBeUndefined();
    expect(decideIommu(q35(true), 'intel_iommu=on iommu=off').kind).toBeUndefined();
  });

  it('logs what Debian\'s kernel logs under QEMU 7.2 (captured with intel_iommu=on iommu=pt)', () => {
    const desc = { machine: 'q35' as const, machineOptions: {}, devices: [{ driver: 'intel-iommu', props: { intremap: 'on' } }] };
    const log = decideIommu(desc, 'console=ttyS0 intel_iommu=on iommu=pt').log;
    expect(log).toEqual([
      'DMAR: IOMMU enabled', 'DMAR: Host address width 39', 'DMAR: DRHD base: 0x000000fed90000 flags: 0x0',
      'DMAR-IR: Enabled IRQ remapping in xapic mode', 'iommu: Default domain type: Passthrough (set via kernel command line)',
      'DMAR: No RMRR found', 'DMAR: No ATSR found', 'DMAR: No SATC found', 'DMAR: dmar0: Using Queued invalidation',
    ]);
    expect(decideIommu(desc, 'intel_iommu=on').log).toContain('iommu: Default domain type: Translated');
  });

  it('uses an SMMUv3 on virt when the machine has one', () => {
    expect(decideIommu({ machine: 'virt', machineOptions: { iommu: 'smmuv3' }, devices: [] }, '').kind).toBe('smmuv3');
    expect(decideIommu({ machine: 'virt', machineOptions: {}, devices: [] }, 'iommu=pt').kind).toBeUndefined();
  });

  it('parses pcie_acs_override and reports a bad one', () => {
    expect(decideIommu(q35(true), 'intel_iommu=on pcie_acs_override=downstream,multifunction').acsOverride)
      .toEqual({ downstream: true, multifunction: true, ids: [] });
    const bad = decideIommu(q35(true), 'intel_iommu=on pcie_acs_override=bogus');
    expect(bad.acsOverride).toBeUndefined();
    expect(bad.log.join('\n')).toContain("unrecognised option 'bogus'");
  });
});

describe('new_id and ID matching', () => {
  it('reads vendor device [subvendor subdevice class mask] in hex', () => {
    expect(parseNewId('10de 2484')).toEqual({ vendorId: 0x10de, deviceId: 0x2484, subVendorId: ANY_ID, subDeviceId: ANY_ID, classCode: 0, classMask: 0 });
    expect(parseNewId('8086 10d3 ffffffff ffffffff 020000 ffff00\n')?.classMask).toBe(0xffff00);
    expect(parseNewId('10de')).toBeUndefined();
    expect(parseNewId('10de 24g4')).toBeUndefined();
  });

  it('matches class under a mask and wildcards', () => {
    const t = { vendorId: 0x10de, deviceId: 0x2484, subVendorId: 0x10de, subDeviceId: 0x146b, classCode: 0x030000 };
    expect(idMatches({ vendorId: 0x10de, deviceId: ANY_ID, classCode: 0x030000, classMask: 0xff0000 }, t)).toBe(true);
    expect(idMatches({ vendorId: 0x10de, deviceId: ANY_ID, classCode: 0x040000, classMask: 0xff0000 }, t)).toBe(false);
    expect(idMatches({ vendorId: 0x10de, deviceId: 0x2484, subVendorId: 0x1043 }, t)).toBe(false);
  });
});

describe('resource file', () => {
  it('has 13 lines for endpoints and 17 for bridges, zeros for unused resources', () => {
    const text = formatResourceFile([{ start: 0xfe000000n, end: 0xfe000fffn, flags: 0x40200 }], false);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe('0x00000000fe000000 0x00000000fe000fff 0x0000000000040200');
    expect(lines[1]).toBe('0x0000000000000000 0x0000000000000000 0x0000000000000000');
    expect(formatResourceFile([], true).trimEnd().split('\n')).toHaveLength(17);
  });

  it('records bridge windows with Linux flags, and a disabled window as zeros', () => {
    // I/O 0x1000-0x1fff (16-bit), memory 0xfe800000-0xfe9fffff, 64-bit prefetchable closed (base > limit).
    const regs = new Map<number, number>([[0x1c, 0x10], [0x1d, 0x10], [0x20, 0xfe80], [0x22, 0xfe90], [0x24, 0xfff1], [0x26, 0x0001], [0x28, 0], [0x2c, 0]]);
    const w = bridgeWindowResources((off) => regs.get(off) ?? 0);
    expect(w[0]).toEqual({ start: 0x1000n, end: 0x1fffn, flags: 0x100 });
    expect(w[1]).toEqual({ start: 0xfe800000n, end: 0xfe9fffffn, flags: 0x200 });
    expect(w[2]).toEqual({ start: 0n, end: 0n, flags: 0 });
    regs.set(0x24, 0xfe21).set(0x26, 0xfe31);
    expect(bridgeWindowResources((off) => regs.get(off) ?? 0)[2]).toEqual({ start: 0xfe200000n, end: 0xfe3fffffn, flags: 0x102201 });
  });
});

describe('guest input never throws', () => {
  it('new_id text, command lines and -s filters of any shape give a value or undefined', async () => {
    const fc = (await import('fast-check')).default;
    const { parseSlotFilter } = await import('../../userland/applets/lspci');
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      const id = parseNewId(text);
      expect(id === undefined || typeof id.vendorId === 'number').toBe(true);
      expect(Array.isArray(decideIommu(q35(true), text).log)).toBe(true);
      const f = parseSlotFilter(text);
      expect(f === undefined || typeof f === 'object').toBe(true);
    }), { numRuns: 500 });
  });
});
