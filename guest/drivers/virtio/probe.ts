// Finding virtio devices as Linux's buses do: the virtio-mmio slots of `virt` (from the top
// slot down, the order the device tree lists them, so the first `-device` is virtio0) and
// modern virtio-pci functions found by the ECAM scan. Each device gets a virtioN index.

import type { Machine } from '../../../emulator/machine/machine';
import { VirtioMmioDriverTransport } from './mmio';
import { scanPci, VirtioPciDriverTransport } from './pci';
import type { VirtioTransport } from './transport';

export function probeVirtio(m: Machine): VirtioTransport[] {
  const found: VirtioTransport[] = [];
  const slots = m.layout.virtioMmio;
  if (slots) {
    for (let slot = slots.count - 1; slot >= 0; slot--) {
      const t = VirtioMmioDriverTransport.probe(m.bus, slots.base + slot * slots.strideBytes, slots.irqBase + slot);
      if (t) found.push(t);
    }
  }
  for (const cfg of scanPci(m.bus, m.layout.ecam.base)) {
    const t = VirtioPciDriverTransport.probe(m.bus, cfg, m.layout.pciIntx);
    if (t) found.push(t);
  }
  return found;
}
