// Configuration cycles as the guest kernel issues them: ECAM memory reads and writes at the
// layout's window (bus<<20 | devfn<<12 | register), or on q35 the legacy 0xCF8/0xCFC pair
// (type 1 addresses, 256-byte space only). Linux's pci_mmcfg uses ECAM when the MCFG table
// describes it; the port pair is the fallback it keeps for early boot.

import type { Bus } from '../../../emulator/bus/bus';
import type { ConfigAccess } from '../../../emulator/pci/enumerate';

type Size = 1 | 2 | 4;

export function ecamAccess(bus: Bus, ecamBase: number, ecamSizeBytes: number): ConfigAccess {
  const addr = (b: number, df: number, off: number): number | undefined => {
    const rel = ((b & 0xff) << 20) | ((df & 0xff) << 12) | (off & 0xfff);
    return rel < ecamSizeBytes ? ecamBase + rel : undefined;
  };
  return {
    read: (b, df, off, size) => {
      const a = addr(b, df, off);
      return a === undefined ? allOnes(size) : bus.read(a, size);
    },
    write: (b, df, off, size, value) => {
      const a = addr(b, df, off);
      if (a !== undefined) bus.write(a, size, value);
    },
  };
}

const CONFIG_ADDRESS = 0xcf8, CONFIG_DATA = 0xcfc;

/** Type 1 configuration cycles through 0xCF8/0xCFC: registers beyond 0xff read as all ones. */
export function portAccess(bus: Bus): ConfigAccess {
  const select = (b: number, df: number, off: number) =>
    bus.outPort(CONFIG_ADDRESS, 4, (0x8000_0000 | ((b & 0xff) << 16) | ((df & 0xff) << 8) | (off & 0xfc)) >>> 0);
  return {
    read: (b, df, off, size) => {
      if (off > 0xff) return allOnes(size);
      select(b, df, off);
      return bus.inPort(CONFIG_DATA + (off & 3), size);
    },
    write: (b, df, off, size, value) => {
      if (off > 0xff) return;
      select(b, df, off);
      bus.outPort(CONFIG_DATA + (off & 3), size, value);
    },
  };
}

function allOnes(size: Size): number {
  return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
}
