import { describe, expect, it } from 'vitest';
import { emitBar, decodeBar, ZERO_HANDLER } from './bars';
import {
  emitAcsCap, emitMsiCap, emitMsixCap, emitPcieCap, emitPmCap, findCapability, parseAcs, parseMsiState, parseMsixCap,
  parsePcieCap, readerOf, type PcieCap,
} from './capabilities';
import { ConfigSpace } from './config-space';
import { PciFunction } from './function';
import { emitHeader } from './header';
import { ACS_CR, ACS_RR, ACS_SV, ACS_TB, ACS_UF, CAP_ID_MSI } from './regs';

describe('capability emit/parse', () => {
  it.each<PcieCap>([
    { type: 'rootPort', version: 2, slot: { physicalSlot: 2, hotplug: true }, portNumber: 0, linkSpeed: 4, linkWidth: 32 },
    { type: 'downstreamPort', version: 2, slot: { physicalSlot: 7, hotplug: false }, portNumber: 3, linkSpeed: 1, linkWidth: 1 },
    { type: 'rcIntegratedEndpoint', version: 1, portNumber: 0, linkSpeed: 1, linkWidth: 1 },
    { type: 'pcieToPciBridge', version: 2, portNumber: 0, linkSpeed: 1, linkWidth: 1 },
  ])('PCI Express %j round-trips', (cap) => {
    const cs = new ConfigSpace(4096);
    emitPcieCap(cs, 0x40, cap);
    expect(parsePcieCap(readerOf(cs), 0x40)).toEqual(cap);
  });

  it('matches QEMU\'s bytes for a root port in slot 1 (flags 0x0142, slot capabilities PSN 1)', () => {
    const cs = new ConfigSpace(4096);
    emitPcieCap(cs, 0x54, { type: 'rootPort', version: 2, slot: { physicalSlot: 1, hotplug: true }, portNumber: 0, linkSpeed: 4, linkWidth: 32 });
    expect(cs.get16(0x56)).toBe(0x0142);
    expect(cs.get32(0x68) >>> 19).toBe(1);
    expect(cs.get32(0x68)).toBe(0x000a007b);
  });

  it('ACS: only advertised control bits are writable', () => {
    const cs = new ConfigSpace(4096);
    cs.addExtCapability(1, 2, 0x100, 0x48);
    emitAcsCap(cs, 0x148, { capability: ACS_SV | ACS_RR });
    cs.write(0x14e, 2, 0xffff);
    expect(parseAcs(readerOf(cs), 0x148)).toEqual({ capability: ACS_SV | ACS_RR, control: ACS_SV | ACS_RR });
    expect(ACS_TB | ACS_CR | ACS_UF).toBe(0x1a);
  });

  it('MSI: guest programming parses back; multiple-message enable only when capable', () => {
    const cs = new ConfigSpace(256);
    emitMsiCap(cs, 0x50, { vectors: 4, is64Bit: true, perVectorMask: true });
    cs.write(0x52, 2, 0x0021); // enable, 4 vectors
    cs.write(0x54, 4, 0xfee00000);
    cs.write(0x58, 4, 0x1);
    cs.write(0x5c, 2, 0x4040);
    cs.write(0x60, 4, 0xffffffff);
    expect(parseMsiState(readerOf(cs), 0x50)).toEqual({ enabled: true, address: 0x1_fee0_0000, data: 0x4040, vectorsEnabled: 4, maskBits: 0xf });
    const one = new ConfigSpace(256);
    emitMsiCap(one, 0x50, { vectors: 1, is64Bit: false, perVectorMask: false });
    one.write(0x52, 2, 0x0071);
    expect(parseMsiState(readerOf(one), 0x50).vectorsEnabled).toBe(1);
    expect(() => emitMsiCap(new ConfigSpace(256), 0x40, { vectors: 3, is64Bit: false, perVectorMask: false })).toThrow();
  });

  it('MSI-X: table location round-trips; enable and function mask are the writable bits', () => {
    const cs = new ConfigSpace(256);
    emitMsixCap(cs, 0xa0, { vectors: 5, tableBar: 3, tableOffset: 0, pbaBar: 3, pbaOffset: 0x2000 });
    cs.write(0xa2, 2, 0xffff);
    expect(parseMsixCap(readerOf(cs), 0xa0)).toEqual({ vectors: 5, tableBar: 3, tableOffset: 0, pbaBar: 3, pbaOffset: 0x2000, enabled: true, functionMask: true });
    expect(cs.get32(0xa0)).toBe(0xc0040011);
  });

  it('PM: power state is writable, PME status is write-1-to-clear', () => {
    const cs = new ConfigSpace(256);
    emitPmCap(cs, 0x60, 0xc803);
    cs.write(0x64, 2, 0x0003);
    expect(cs.get16(0x64) & 3).toBe(3);
    cs.set16(0x64, cs.get16(0x64) | 0x8000);
    cs.write(0x64, 2, 0x8000);
    expect(cs.get16(0x64) & 0x8000).toBe(0);
  });
});

describe('BARs', () => {
  it.each([
    ['mem32', 4096, false, 0xfffff000, 0],
    ['mem32', 16 << 20, true, 0xff000008, 0],
    ['mem64', 16 * 1024, true, 0xffffc00c, 0xffffffff],
    ['mem64', 8 * 2 ** 30, true, 0x0000000c, 0xfffffffe],
    ['io', 64, false, 0xffffffc1, 0],
  ] as const)('%s of %d bytes sizes to the spec\'s mask', (kind, sizeBytes, prefetchable, low, high) => {
    const cs = new ConfigSpace(256);
    emitBar(cs, { index: 0, kind, sizeBytes, prefetchable, handler: ZERO_HANDLER });
    cs.write(0x10, 4, 0xffffffff);
    cs.write(0x14, 4, 0xffffffff);
    expect(cs.get32(0x10)).toBe(low);
    if (kind === 'mem64') expect(cs.get32(0x14)).toBe(high);
  });

  it('decodes 64-bit addresses', () => {
    const cs = new ConfigSpace(256);
    emitBar(cs, { index: 2, kind: 'mem64', sizeBytes: 1 << 20, prefetchable: true, handler: ZERO_HANDLER });
    cs.write(0x18, 4, 0xc010_0000);
    cs.write(0x1c, 4, 0x80);
    expect(decodeBar(readerOf(cs), 2)).toEqual({ kind: 'mem64', prefetchable: true, address: 0x80_c010_0000 });
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => emitBar(new ConfigSpace(256), { index: 0, kind: 'mem32', sizeBytes: 3000, handler: ZERO_HANDLER })).toThrow();
    expect(() => emitBar(new ConfigSpace(256), { index: 0, kind: 'io', sizeBytes: 512, handler: ZERO_HANDLER })).toThrow();
  });
});

describe('PciFunction MSI', () => {
  it('sends data | vector for multi-message MSI, only with bus mastering and unmasked', () => {
    const cs = new ConfigSpace(256);
    emitHeader(cs, { identity: { vendorId: 1, deviceId: 2, classCode: 0, revision: 0, subsystemVendorId: 0, subsystemId: 0 }, bridge: false, multifunction: false, interruptPin: 1 });
    emitMsiCap(cs, 0x50, { vectors: 4, is64Bit: false, perVectorMask: true });
    const f = new PciFunction({ config: cs });
    const sent: Array<[number, number]> = [];
    f.msiSink = (m) => sent.push([m.address, m.data]);
    expect(f.signalMsi(0)).toBe(false); // MSI off: caller falls back to INTx
    const at = findCapability(f.read, CAP_ID_MSI) ?? 0;
    f.writeConfig(at + 2, 2, 0x0021);
    f.writeConfig(at + 4, 4, 0xfee00000);
    f.writeConfig(at + 8, 2, 0x40);
    expect(f.signalMsi(2)).toBe(true);
    expect(sent).toEqual([]); // no bus mastering yet
    f.writeConfig(0x04, 2, 0x4);
    f.signalMsi(2);
    f.writeConfig(at + 0xc, 4, 0b1000);
    f.signalMsi(3); // masked
    expect(sent).toEqual([[0xfee00000, 0x42]]);
  });
});
