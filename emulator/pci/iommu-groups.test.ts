import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../machine/description/types';
import { assignBusNumbers, treeAccess } from './enumerate';
import { computeIommuGroups, parseAcsOverride, type AcsOverride } from './iommu-groups';
import { linuxScan } from './linux-scan';
import { buildTopology } from './topology';

function dev(driver: string, extra: Partial<DeviceSpec> = {}, props: Record<string, string> = {}): DeviceSpec {
  return { driver, props, ...extra };
}

/** Boot the topology as firmware + Linux would and return `G a b c` lines like the capture's first command. */
function groupLines(specs: DeviceSpec[], opts: { iommu?: boolean; acsOverride?: AcsOverride } = {}): string[] {
  const topo = buildTopology('q35', specs);
  if (!topo.ok) throw new Error(topo.error);
  const access = treeAccess(topo.tree);
  assignBusNumbers(access);
  const devs = linuxScan(access, { enableAcs: opts.iommu ?? true });
  const groups = computeIommuGroups(devs, access, opts.acsOverride ? { acsOverride: opts.acsOverride } : {});
  return groups.map((g) => 'G ' + g.devices.map((d) => d.bdf).sort().join(' ')).sort();
}

/** The capture's `-device` list, plus the default e1000e QEMU adds first (the description layer's job). */
const DUAL_DISPLAY: DeviceSpec[] = [
  dev('e1000e', { implicit: true }),
  dev('intel-iommu', {}, { intremap: 'on' }),
  dev('VGA'),
  dev('pcie-root-port', { id: 'rp1' }, { slot: '1' }),
  dev('virtio-gpu-pci', { bus: 'rp1', addr: '0.0', multifunction: true }),
  dev('ich9-intel-hda', { bus: 'rp1', addr: '0.1' }),
  dev('pcie-root-port', { id: 'rp2' }, { slot: '2' }),
  dev('pcie-pci-bridge', { id: 'br1', bus: 'rp2' }),
  dev('e1000', { bus: 'br1', addr: '1' }),
  dev('e1000', { bus: 'br1', addr: '2' }),
];

function captured(cmd: number): string[] {
  const text = readFileSync(new URL('../../../shared/reference/q35-dual-display.linux.txt', import.meta.url), 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf(`===CMD ${cmd}`);
  const end = lines.indexOf('===RC 0', start);
  return lines.slice(start + 1, end);
}

describe('IOMMU groups (Linux pci_device_group)', () => {
  it('q35-dual-display: the same groups as real Linux under QEMU', () => {
    expect(groupLines(DUAL_DISPLAY)).toEqual(captured(1));
  });

  it('numbers groups in Linux probe order: bus 0 first, then each bridge subtree', () => {
    const topo = buildTopology('q35', DUAL_DISPLAY);
    if (!topo.ok) throw new Error(topo.error);
    const access = treeAccess(topo.tree);
    assignBusNumbers(access);
    const groups = computeIommuGroups(linuxScan(access, { enableAcs: true }), access);
    expect(groups.map((g) => `${g.id}:${g.devices.map((d) => d.bdf.slice(5)).join(',')}`)).toEqual([
      '0:00:00.0', '1:00:01.0', '2:00:02.0', '3:00:03.0', '4:00:04.0', '5:00:1f.0,00:1f.2,00:1f.3',
      '6:01:00.0,01:00.1', '7:02:00.0,03:01.0,03:02.0',
    ]);
  });

  it('root ports whose ACS is not enabled (no IOMMU asked for it) do not isolate what is behind them', () => {
    const lines = groupLines(DUAL_DISPLAY, { iommu: false });
    expect(lines).toContain('G 0000:00:03.0 0000:01:00.0 0000:01:00.1');
    expect(lines).toContain('G 0000:00:04.0 0000:02:00.0 0000:03:01.0 0000:03:02.0');
  });

  it('disable-acs=on on a root port merges the port and its device', () => {
    const specs = [dev('pcie-root-port', { id: 'rp1' }, { slot: '1', 'disable-acs': 'on' }), dev('nvme', { bus: 'rp1' }, { serial: 'a' })];
    expect(groupLines(specs)).toContain('G 0000:00:01.0 0000:01:00.0');
  });

  it('a switch: QEMU 7.2 downstream ports lack ACS, so each device joins its downstream port', () => {
    const specs = [
      dev('pcie-root-port', { id: 'rp1' }, { slot: '1' }),
      dev('x3130-upstream', { id: 'up', bus: 'rp1' }),
      dev('xio3130-downstream', { id: 'dn1', bus: 'up' }, { chassis: '2', slot: '1' }),
      dev('xio3130-downstream', { id: 'dn2', bus: 'up' }, { chassis: '2', slot: '2' }),
      dev('nvme', { bus: 'dn1' }, { serial: 'a' }),
      dev('nvme', { bus: 'dn2' }, { serial: 'b' }),
    ];
    const lines = groupLines(specs);
    // The upstream port is single-function (isolated by definition); a downstream port without
    // ACS cannot isolate what is below it, but the ports themselves are separate slots.
    expect(lines).toContain('G 0000:01:00.0');
    expect(lines).toContain('G 0000:02:00.0 0000:03:00.0');
    expect(lines).toContain('G 0000:02:01.0 0000:04:00.0');
  });

  it('pcie_acs_override=downstream isolates the switch ports (override patch semantics)', () => {
    const specs = [
      dev('pcie-root-port', { id: 'rp1' }, { slot: '1' }),
      dev('x3130-upstream', { id: 'up', bus: 'rp1' }),
      dev('xio3130-downstream', { id: 'dn1', bus: 'up' }, { chassis: '2', slot: '1' }),
      dev('xio3130-downstream', { id: 'dn2', bus: 'up' }, { chassis: '2', slot: '2' }),
      dev('nvme', { bus: 'dn1' }, { serial: 'a' }),
      dev('nvme', { bus: 'dn2' }, { serial: 'b' }),
    ];
    const o = parseAcsOverride('downstream');
    if ('error' in o) throw new Error(o.error);
    const lines = groupLines(specs, { acsOverride: o });
    expect(lines).toContain('G 0000:03:00.0');
    expect(lines).toContain('G 0000:04:00.0');
    expect(lines).toContain('G 0000:02:00.0');
  });

  it('an NVIDIA GPU and its audio function behind a host CPU root port without ACS share the port\'s group', () => {
    const specs = [
      dev('host-intel-cpu-root-port', { id: 'peg' }),
      dev('host-nvidia-rtx3070', { bus: 'peg', addr: '0.0', multifunction: true }),
      dev('host-nvidia-rtx3070-audio', { bus: 'peg', addr: '0.1' }),
    ];
    expect(groupLines(specs)).toContain('G 0000:00:01.0 0000:01:00.0 0000:01:00.1');
  });

  it('the same GPU pair behind an ACS root port forms its own group of two', () => {
    const specs = [
      dev('host-amd-gpp-bridge', { id: 'gpp' }),
      dev('host-nvidia-rtx3070', { bus: 'gpp', addr: '0.0', multifunction: true }),
      dev('host-nvidia-rtx3070-audio', { bus: 'gpp', addr: '0.1' }),
    ];
    const lines = groupLines(specs);
    expect(lines).toContain('G 0000:00:01.0');
    expect(lines).toContain('G 0000:01:00.0 0000:01:00.1');
  });

  it('pcie_acs_override=multifunction splits the GPU from its audio function', () => {
    const specs = [
      dev('host-amd-gpp-bridge', { id: 'gpp' }),
      dev('host-nvidia-rtx3070', { bus: 'gpp', addr: '0.0', multifunction: true }),
      dev('host-nvidia-rtx3070-audio', { bus: 'gpp', addr: '0.1' }),
    ];
    const o = parseAcsOverride('multifunction');
    if ('error' in o) throw new Error(o.error);
    const lines = groupLines(specs, { acsOverride: o });
    expect(lines).toContain('G 0000:01:00.0');
    expect(lines).toContain('G 0000:01:00.1');
  });

  it('a conventional PCI-to-PCI bridge behind a PCIe-to-PCI bridge: all aliases collapse to the PCIe-to-PCI bridge', () => {
    const specs = [
      dev('pcie-root-port', { id: 'rp1' }, { slot: '1' }),
      dev('pcie-pci-bridge', { id: 'br', bus: 'rp1' }),
      dev('pci-bridge', { id: 'pb', bus: 'br', addr: '3' }, { chassis_nr: '3' }),
      dev('e1000', { bus: 'pb', addr: '1' }),
      dev('virtio-net-pci', { bus: 'br', addr: '4' }),
    ];
    expect(groupLines(specs)).toContain('G 0000:01:00.0 0000:02:03.0 0000:02:04.0 0000:03:01.0');
  });

  it('libvirt-style multifunction root ports with ACS each isolate their device', () => {
    const specs = [
      dev('pcie-root-port', { id: 'pci.1', bus: 'pcie.0', addr: '0x2', multifunction: true }, { port: '0x10', chassis: '1' }),
      dev('pcie-root-port', { id: 'pci.2', bus: 'pcie.0', addr: '0x2.0x1' }, { port: '0x11', chassis: '2' }),
      dev('virtio-net-pci', { bus: 'pci.1', addr: '0x0' }),
      dev('qemu-xhci', { bus: 'pci.2', addr: '0x0' }),
    ];
    const lines = groupLines(specs);
    for (const bdf of ['00:02.0', '00:02.1', '01:00.0', '02:00.0']) expect(lines).toContain(`G 0000:${bdf}`);
  });

  it('parseAcsOverride reads ids and refuses junk', () => {
    expect(parseAcsOverride('downstream,id:10de:2484')).toEqual({ downstream: true, multifunction: false, ids: [{ vendorId: 0x10de, deviceId: 0x2484 }] });
    expect(parseAcsOverride('sideways')).toEqual({ error: "pcie_acs_override: unrecognised option 'sideways'" });
  });
});
