// Bench figure for the bench harness: configuration reads per second through the ECAM
// window of the q35-dual-display machine, the path a guest kernel's PCI scan takes. The
// clock is passed in by the harness, so nothing here reads host time itself.

import { Bus } from '../bus/bus';
import type { DeviceSpec } from '../machine/description/types';
import { Q35_LAYOUT } from '../machine/layout';
import { GuestRam } from '../memory/guest-ram';
import { ecamOffset } from './ecam';
import { createPciHost } from './host';
import { devfn } from './regs';

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
