// Building a VirtioGpu from `-device virtio-gpu-pci,...` / `-device virtio-gpu-device,...`
// properties, with QEMU's property names: xres, yres, max_outputs, edid, max_hostmem.
// Bad properties come back as an error value for the machine builder to report.

import { validScanoutSize, VirtioGpu } from './device';
import { VIRTIO_GPU_MAX_SCANOUTS } from './protocol';

export const DEFAULT_XRES = 1024;
export const DEFAULT_YRES = 768;

export type GpuFromProps = { ok: true; device: VirtioGpu } | { ok: false; error: string };

function parseUint(s: string | undefined, fallback: number): number | undefined {
  if (s === undefined) return fallback;
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** QEMU size syntax: a byte count with an optional K/M/G suffix (powers of 1024). */
export function parseSizeBytes(s: string): number | undefined {
  const m = /^(\d+)([KMG]?)B?$/i.exec(s);
  if (!m) return undefined;
  const shift = { '': 0, K: 10, M: 20, G: 30 }[m[2].toUpperCase()] ?? 0;
  return Number(m[1]) * 2 ** shift;
}

function parseBool(s: string | undefined, fallback: boolean): boolean | undefined {
  if (s === undefined) return fallback;
  if (['on', 'true', 'yes', '1'].includes(s)) return true;
  if (['off', 'false', 'no', '0'].includes(s)) return false;
  return undefined;
}

export function virtioGpuFromProps(props: Readonly<Record<string, string>>): GpuFromProps {
  const xres = parseUint(props.xres, DEFAULT_XRES);
  const yres = parseUint(props.yres, DEFAULT_YRES);
  if (xres === undefined || yres === undefined || !validScanoutSize(xres, yres)) {
    return { ok: false, error: `virtio-gpu: unsupported resolution ${props.xres ?? DEFAULT_XRES}x${props.yres ?? DEFAULT_YRES} (16x16 to 3840x2400)` };
  }
  const outputs = parseUint(props.max_outputs, 1);
  if (outputs === undefined || outputs < 1 || outputs > VIRTIO_GPU_MAX_SCANOUTS) return { ok: false, error: `virtio-gpu: max_outputs ${props.max_outputs} (1..16)` };
  const edid = parseBool(props.edid, true);
  if (edid === undefined) return { ok: false, error: `virtio-gpu: edid=${props.edid} is not on/off` };
  const hostmem = props.max_hostmem === undefined ? 256 << 20 : parseSizeBytes(props.max_hostmem);
  if (hostmem === undefined || hostmem < 1 || hostmem > 2 ** 32) return { ok: false, error: `virtio-gpu: max_hostmem=${props.max_hostmem}` };
  const modes = Array.from({ length: outputs }, () => ({ widthPx: xres, heightPx: yres }));
  return { ok: true, device: new VirtioGpu({ outputs: modes, edid, limits: { maxHostmemBytes: hostmem } }) };
}
