// Base address registers. A BAR's low bits say what it is (I/O or memory, 32/64-bit,
// prefetchable) and are read-only; the address bits above its size are writable, the ones
// below read as zero. So the spec's sizing dance works by construction: write all ones, read
// back, and the zeros at the bottom give the size.

import type { MmioHandler } from '../bus/bus';
import type { ConfigRead } from './capabilities';
import type { ConfigSpace } from './config-space';
import { BAR_IO, BAR_MEM_PREFETCH, BAR_MEM_TYPE_64, REG_BAR0 } from './regs';

export type BarKind = 'mem32' | 'mem64' | 'io';

export interface BarSpec {
  /** 0..5 on endpoints, 0..1 on bridges. A 64-bit BAR also takes index + 1. */
  index: number;
  kind: BarKind;
  /** A power of two: at least 16 for memory, 4 for I/O. */
  sizeBytes: number;
  prefetchable?: boolean;
  /** The device's registers behind the BAR; a function without a model answers zeros. */
  handler: MmioHandler;
}

export function barRegister(index: number): number {
  return REG_BAR0 + 4 * index;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Write a BAR's type bits and address write-mask into config space. */
export function emitBar(cs: ConfigSpace, spec: BarSpec): void {
  const reg = barRegister(spec.index);
  const minSize = spec.kind === 'io' ? 4 : 16;
  if (!isPowerOfTwo(spec.sizeBytes) || spec.sizeBytes < minSize) {
    throw new Error(`pci bar${spec.index}: size ${spec.sizeBytes} is not a power of two >= ${minSize}`);
  }
  if (spec.kind === 'io') {
    if (spec.sizeBytes > 256) throw new Error(`pci bar${spec.index}: I/O BARs are at most 256 bytes`);
    cs.set32(reg, BAR_IO);
    cs.setWmask(reg, 4, (~(spec.sizeBytes - 1) & 0xfffffffc) >>> 0);
    return;
  }
  const low = (spec.kind === 'mem64' ? BAR_MEM_TYPE_64 : 0) | (spec.prefetchable ? BAR_MEM_PREFETCH : 0);
  cs.set32(reg, low);
  const sizeLow = spec.sizeBytes >= 0x1_0000_0000 ? 0 : spec.sizeBytes;
  cs.setWmask(reg, 4, sizeLow === 0 ? 0 : (~(sizeLow - 1) & 0xfffffff0) >>> 0);
  if (spec.kind === 'mem64') {
    const high = Math.floor(spec.sizeBytes / 0x1_0000_0000);
    cs.setWmask(reg + 4, 4, high <= 1 ? 0xffffffff : (~(high - 1)) >>> 0);
  } else if (spec.sizeBytes > 0x8000_0000) {
    throw new Error(`pci bar${spec.index}: 32-bit BARs are at most 2 GiB`);
  }
}

export interface DecodedBar {
  kind: BarKind;
  prefetchable: boolean;
  /** The address the guest programmed (CPU view; I/O port number for I/O BARs). */
  address: number;
}

/** Read the address a BAR currently holds (the guest's programming), whatever the command register says. */
export function decodeBar(read: ConfigRead, index: number): DecodedBar {
  const v = read(barRegister(index), 4);
  if (v & BAR_IO) return { kind: 'io', prefetchable: false, address: (v & 0xfffffffc) >>> 0 };
  const is64 = (v & 0x6) === BAR_MEM_TYPE_64;
  const low = (v & 0xfffffff0) >>> 0;
  const high = is64 ? read(barRegister(index + 1), 4) : 0;
  return { kind: is64 ? 'mem64' : 'mem32', prefetchable: (v & BAR_MEM_PREFETCH) !== 0, address: high * 0x1_0000_0000 + low };
}

/**
 * Whether an address is one a BAR decodes. Like QEMU, an address of zero or one whose range
 * runs past the end of its space (a BAR left all ones after sizing) is treated as unmapped.
 */
export function barAddressUsable(kind: BarKind, address: number, sizeBytes: number): boolean {
  if (address === 0) return false;
  const limit = kind === 'io' ? 0x1_0000 : kind === 'mem32' ? 0x1_0000_0000 : 2 ** 52;
  return address + sizeBytes <= limit;
}

/** A BAR whose device has no model: reads return zero, writes are dropped. */
export const ZERO_HANDLER: MmioHandler = { read: () => 0, write: () => {} };
