// The predefined header every function starts with: identity (vendor, device, class,
// revision, subsystem), the command/status pair, and either the type 0 endpoint layout or
// the type 1 bridge layout (bus numbers, forwarding windows, bridge control). This file sets
// the values and write masks the PCI and PCI-to-PCI bridge specifications prescribe.

import type { ConfigSpace } from './config-space';
import {
  COMMAND_INTX_DISABLE, COMMAND_IO, COMMAND_MASTER, COMMAND_MEMORY, COMMAND_PARITY, COMMAND_SERR,
  HEADER_TYPE_BRIDGE, HEADER_TYPE_ENDPOINT, HEADER_TYPE_MULTIFUNCTION, REG_BRIDGE_CONTROL, REG_CACHE_LINE,
  REG_CLASS_PROG, REG_COMMAND, REG_DEVICE_ID, REG_HEADER_TYPE, REG_INTERRUPT_LINE, REG_INTERRUPT_PIN,
  REG_IO_BASE, REG_IO_BASE_UPPER16, REG_IO_LIMIT, REG_IO_LIMIT_UPPER16, REG_LATENCY, REG_MEMORY_BASE,
  REG_MEMORY_LIMIT, REG_PREF_BASE_UPPER32, REG_PREF_LIMIT_UPPER32, REG_PREF_MEMORY_BASE, REG_PREF_MEMORY_LIMIT,
  REG_PRIMARY_BUS, REG_REVISION, REG_SEC_LATENCY, REG_SEC_STATUS, REG_STATUS, REG_SUBORDINATE_BUS,
  REG_SECONDARY_BUS, REG_SUBSYSTEM_ID, REG_SUBSYSTEM_VENDOR_ID, REG_VENDOR_ID, STATUS_RW1C,
} from './regs';

export interface PciIdentity {
  vendorId: number;
  deviceId: number;
  /** 24-bit class code: base class << 16 | subclass << 8 | programming interface. */
  classCode: number;
  revision: number;
  /** Type 0 headers only; bridges carry these in an SSVID capability instead. */
  subsystemVendorId: number;
  subsystemId: number;
}

export interface HeaderOptions {
  identity: PciIdentity;
  bridge: boolean;
  multifunction: boolean;
  /** 0 = no INTx, 1..4 = INTA..INTD. */
  interruptPin: number;
  /** Extra read-only status bits (66 MHz capable, fast back-to-back). */
  statusBits?: number;
  /** Whether the command register's I/O enable is writable (false for a function with no I/O to decode). */
  ioDecode?: boolean;
}

export function emitHeader(cs: ConfigSpace, o: HeaderOptions): void {
  const id = o.identity;
  cs.set16(REG_VENDOR_ID, id.vendorId);
  cs.set16(REG_DEVICE_ID, id.deviceId);
  cs.set8(REG_REVISION, id.revision);
  cs.set8(REG_CLASS_PROG, id.classCode & 0xff);
  cs.set16(REG_CLASS_PROG + 1, id.classCode >>> 8);
  cs.set8(REG_HEADER_TYPE, (o.bridge ? HEADER_TYPE_BRIDGE : HEADER_TYPE_ENDPOINT) | (o.multifunction ? HEADER_TYPE_MULTIFUNCTION : 0));
  const ioBit = o.ioDecode === false ? 0 : COMMAND_IO;
  cs.setWmask(REG_COMMAND, 2, ioBit | COMMAND_MEMORY | COMMAND_MASTER | COMMAND_PARITY | COMMAND_SERR | COMMAND_INTX_DISABLE);
  cs.set16(REG_STATUS, cs.get16(REG_STATUS) | (o.statusBits ?? 0));
  cs.setW1cmask(REG_STATUS, 2, STATUS_RW1C);
  cs.setWmask(REG_CACHE_LINE, 1, 0xff);
  cs.setWmask(REG_LATENCY, 1, 0xff);
  cs.setWmask(REG_INTERRUPT_LINE, 1, 0xff);
  cs.set8(REG_INTERRUPT_PIN, o.interruptPin);
  if (o.bridge) emitBridgeRegisters(cs);
  else {
    cs.set16(REG_SUBSYSTEM_VENDOR_ID, id.subsystemVendorId);
    cs.set16(REG_SUBSYSTEM_ID, id.subsystemId);
  }
}

/**
 * Type 1 registers: bus numbers and secondary latency are plain read/write; the I/O window
 * decodes 32-bit addresses and the prefetchable window 64-bit ones (the low nibble of the
 * base/limit registers says so and is read-only); secondary status error bits are RW1C.
 */
function emitBridgeRegisters(cs: ConfigSpace): void {
  cs.setWmask(REG_PRIMARY_BUS, 1, 0xff);
  cs.setWmask(REG_SECONDARY_BUS, 1, 0xff);
  cs.setWmask(REG_SUBORDINATE_BUS, 1, 0xff);
  cs.setWmask(REG_SEC_LATENCY, 1, 0xff);
  // Windows start closed (base above limit), as QEMU's bridge reset leaves them.
  cs.set8(REG_IO_BASE, 0xf1);
  cs.set8(REG_IO_LIMIT, 0x01);
  cs.set16(REG_MEMORY_BASE, 0xfff0);
  cs.setWmask(REG_IO_BASE, 1, 0xf0);
  cs.setWmask(REG_IO_LIMIT, 1, 0xf0);
  cs.setW1cmask(REG_SEC_STATUS, 2, STATUS_RW1C);
  cs.setWmask(REG_MEMORY_BASE, 2, 0xfff0);
  cs.setWmask(REG_MEMORY_LIMIT, 2, 0xfff0);
  cs.set16(REG_PREF_MEMORY_BASE, 0xfff1);
  cs.set16(REG_PREF_MEMORY_LIMIT, 0x0001);
  cs.setWmask(REG_PREF_MEMORY_BASE, 2, 0xfff0);
  cs.setWmask(REG_PREF_MEMORY_LIMIT, 2, 0xfff0);
  cs.setWmask(REG_PREF_BASE_UPPER32, 4, 0xffffffff);
  cs.setWmask(REG_PREF_LIMIT_UPPER32, 4, 0xffffffff);
  cs.setWmask(REG_IO_BASE_UPPER16, 2, 0xffff);
  cs.setWmask(REG_IO_LIMIT_UPPER16, 2, 0xffff);
  // parity, SERR, ISA, VGA, VGA 16-bit decode, master abort mode, secondary bus reset
  cs.setWmask(REG_BRIDGE_CONTROL, 2, 0x007f);
}

export interface BridgeWindows {
  io: { base: number; limit: number };
  memory: { base: number; limit: number };
  prefetchable: { base: number; limit: number };
}

/** The address ranges a type 1 header forwards downstream (base > limit means closed). */
export function decodeBridgeWindows(read: (off: number, size: 1 | 2 | 4) => number): BridgeWindows {
  const ioBase = read(REG_IO_BASE, 1);
  const ioLimit = read(REG_IO_LIMIT, 1);
  const io32 = (ioBase & 0xf) === 1;
  const ioUpperBase = io32 ? read(REG_IO_BASE_UPPER16, 2) * 0x1_0000 : 0;
  const ioUpperLimit = io32 ? read(REG_IO_LIMIT_UPPER16, 2) * 0x1_0000 : 0;
  const prefBase = read(REG_PREF_MEMORY_BASE, 2);
  const prefLimit = read(REG_PREF_MEMORY_LIMIT, 2);
  const pref64 = (prefBase & 0xf) === 1;
  return {
    io: { base: ioUpperBase + (ioBase & 0xf0) * 0x100, limit: ioUpperLimit + (ioLimit & 0xf0) * 0x100 + 0xfff },
    memory: { base: (read(REG_MEMORY_BASE, 2) & 0xfff0) * 0x1_0000, limit: (read(REG_MEMORY_LIMIT, 2) & 0xfff0) * 0x1_0000 + 0xfffff },
    prefetchable: {
      base: (pref64 ? read(REG_PREF_BASE_UPPER32, 4) * 0x1_0000_0000 : 0) + (prefBase & 0xfff0) * 0x1_0000,
      limit: (pref64 ? read(REG_PREF_LIMIT_UPPER32, 4) * 0x1_0000_0000 : 0) + (prefLimit & 0xfff0) * 0x1_0000 + 0xfffff,
    },
  };
}
