// A simulated host's own PCI devices (profiles' `pci-host-devices`): real GPUs, their audio
// functions and the CPU/chipset ports they sit behind, from the catalogue's host profiles.
// They are not QEMU -device drivers, so they live beside the device list, not in it.

import { catalogueEntry } from '../../../devices/pci/catalogue';
import type { DeviceSpec } from './types';

export type HostDevicesResult = { ok: true; value: DeviceSpec[] } | { ok: false; error: string };

export function hostDeviceSpecs(extra: Record<string, unknown>): HostDevicesResult {
  const raw = extra['pci-host-devices'];
  if (raw === undefined) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return { ok: false, error: 'pci-host-devices: expected a list' };
  const out: DeviceSpec[] = [];
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'object' || item === null) return { ok: false, error: `pci-host-devices[${i}]: expected a mapping` };
    const o = item as Record<string, unknown>;
    // Entries naming only a real host address ({ host: BDF }) are for the VFIO layer, not here.
    if (o['driver'] === undefined) continue;
    const driver = String(o['driver']);
    if (!catalogueEntry(driver)?.host) return { ok: false, error: `pci-host-devices[${i}]: '${driver}' is not a host device profile` };
    const str = (k: string) => (o[k] === undefined ? undefined : String(o[k]));
    out.push({
      driver, props: {},
      ...(str('id') !== undefined ? { id: str('id') } : {}),
      ...(str('bus') !== undefined ? { bus: str('bus') } : {}),
      ...(str('addr') !== undefined ? { addr: str('addr') } : {}),
      ...(o['multifunction'] === true ? { multifunction: true } : {}),
    });
  }
  return { ok: true, value: out };
}
