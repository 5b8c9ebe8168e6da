// Bench figures for the bench harness: configuration reads per second through the ECAM
// window of the q35-dual-display machine, the path a guest kernel's PCI scan takes, and
// virt+SMMUv3 group formations. The clock is passed in by the harness, so nothing here reads
// host time itself.

import { Bus } from '../bus/bus';
import type { DeviceSpec } from '../machine/description/types';
import { Q35_LAYOUT, VIRT_LAYOUT } from '../machine/layout';
import { GuestRam } from '../memory/guest-ram';
import { ecamOffset } from './ecam';
import { createPciHost } from './host';
import { linuxScan } from './linux-scan';
import { devfn } from './regs';
import { DEBIAN_ARM64_BUILTIN_MATCHES, smmuIommuGroups } from './smmu-groups';

const SPECS: DeviceSpec[] = [
  { driver: 'e1000e', props: {} }, { driver: 'VGA', props: {} },
  { driver: 'pcie-root-port', id: 'rp1', props: { slot: '1' } },
  { driver: 'virtio-gpu-pci', bus: 'rp1', addr: '0.0', multifunction: true, props: {} },
  { driver: 'ich9-intel-hda', bus: 'rp1', addr: '0.1', props: {} },
  { driver: 'pcie-root-port', id: 'rp2', props: { slot: '2' } },
  { driver: 'pcie-pci-bridge', id: 'br1', bus: 'rp2', props: {} },
  { driver: 'e1000', bus: 'br1', addr: '1', props: {} },
];

/** Reads/s of dword config reads spread over present and absent functions on buses 0-3. */
export function benchConfigReads(n: number, nowMs: () => number): { readsPerSecond: number; checksum: number } {
  const bus = new Bus(new GuestRam(0, 1 << 20));
  const r = createPciHost({ machine: 'q35', layout: Q35_LAYOUT, bus, devices: SPECS });
  if (!r.ok) throw new Error(r.error);
  const addrs: number[] = [];
  for (let b = 0; b < 4; b++) for (let slot = 0; slot < 32; slot += 3) addrs.push(Q35_LAYOUT.ecam.base + ecamOffset(b, devfn(slot, 0), 0));
  let checksum = 0;
  const start = nowMs();
  for (let i = 0; i < n; i++) checksum = (checksum + bus.read(addrs[i % addrs.length] + ((i >> 4) & 0x3c), 4)) >>> 0;
  const elapsedMs = Math.max(nowMs() - start, 1e-6);
  return { readsPerSecond: (n / elapsedMs) * 1000, checksum };
}

const VIRT_SMMU_SPECS: DeviceSpec[] = [
  { driver: 'pcie-pci-bridge', id: 'pb', bus: 'pcie.0', addr: '1', props: {} },
  { driver: 'virtio-rng-pci', bus: 'pb', addr: '1', props: {} },
  { driver: 'virtio-rng-pci', bus: 'pb', addr: '2', props: {} },
  { driver: 'pcie-root-port', id: 'rp1', addr: '2', props: { chassis: '1' } },
  { driver: 'virtio-rng-pci', bus: 'rp1', props: {} },
  { driver: 'pcie-root-port', id: 'rp2', addr: '3', props: { chassis: '2' } },
  { driver: 'x3130-upstream', id: 'up', bus: 'rp2', props: {} },
  { driver: 'xio3130-downstream', id: 'dn', bus: 'up', props: { chassis: '3', slot: '0' } },
  { driver: 'virtio-rng-pci', bus: 'dn', props: {} },
];

/** Whole-machine group formations/s on virt+SMMUv3 (scan, probe order, stream-ID checks, grouping). */
export function benchSmmuGroups(n: number, nowMs: () => number): { formationsPerSecond: number; groups: number } {
  const r = createPciHost({ machine: 'virt', layout: VIRT_LAYOUT, bus: new Bus(new GuestRam(0, 1 << 20)), devices: VIRT_SMMU_SPECS });
  if (!r.ok) throw new Error(r.error);
  const devs = linuxScan(r.host.access, { enableAcs: false });
  let groups = 0;
  const start = nowMs();
  for (let i = 0; i < n; i++) groups = smmuIommuGroups(devs, r.host.access, DEBIAN_ARM64_BUILTIN_MATCHES).length;
  const elapsedMs = Math.max(nowMs() - start, 1e-6);
  return { formationsPerSecond: (n / elapsedMs) * 1000, groups };
}
