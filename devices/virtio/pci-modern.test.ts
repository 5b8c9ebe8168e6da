import { describe, expect, it } from 'vitest';
import { GuestRam } from '../../emulator/memory/guest-ram';
import { listCapabilities } from '../../emulator/pci/capabilities';
import { REG_CAP_PTR, REG_COMMAND } from '../../emulator/pci/regs';
import { MemoryBackend } from './blk/backend';
import { VirtioBlk } from './blk/device';
import { readRequest, roundTrip, statusOf, writeRequest } from './blk/testing';
import { F_VERSION_1, F_RING_EVENT_IDX, STATUS_DEVICE_NEEDS_RESET } from './constants';
import { buildVirtioPciFunction } from './pci-function';
import { COMMON, emitVirtioPciCap, parseVirtioPciCap, VIRTIO_MSI_NO_VECTOR, virtioPciCaps } from './pci-modern';
import { MockVirtioDriver, PciDriverTransport } from './testing/mock-driver';

const RAM_BASE = 0x4000_0000;

/** Config space 0x40..0xa7 of `-device virtio-rng-pci` on QEMU 7.2 q35's root bus (devices/pci/fixtures/q35-zoo). */
const QEMU_CAPS = [
  0x01100009, 0x00000004, 0x00000000, 0x00001000, 0x03104009, 0x00000004, 0x00001000, 0x00001000,
  0x04105009, 0x00000004, 0x00002000, 0x00001000, 0x02146009, 0x00000004, 0x00003000, 0x00001000,
  0x00000004, 0x05147009, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00018411, 0x00000001, 0x00000801,
];

function rig() {
  const ram = new GuestRam(RAM_BASE, 16 << 20);
  const backend = new MemoryBackend(1 << 20);
  const pci = buildVirtioPciFunction(new VirtioBlk(backend), ram);
  const driver = new MockVirtioDriver(ram, new PciDriverTransport(pci.regs), RAM_BASE, 16 << 20);
  return { ram, backend, pci, driver };
}

describe('virtio-pci modern capability layout', () => {
  it('matches QEMU byte for byte: vendor caps at 0x40..0x84, MSI-X at 0x98 heading the list', () => {
    const { pci } = rig();
    const dwords = Array.from({ length: QEMU_CAPS.length }, (_, i) => pci.fn.readConfig(0x40 + 4 * i, 4));
    expect(dwords.map((d) => d.toString(16))).toEqual(QEMU_CAPS.map((d) => d.toString(16)));
    expect(pci.fn.readConfig(REG_CAP_PTR, 1)).toBe(0x98);
    expect(listCapabilities(pci.fn.read).map((c) => c.offset)).toEqual([0x98, 0x84, 0x70, 0x60, 0x50, 0x40]);
    expect([pci.fn.vendorId, pci.fn.deviceId, pci.fn.revision, pci.fn.classCode]).toEqual([0x1af4, 0x1042, 1, 0x010000]);
  });

  it('capability emit and parse round-trip', () => {
    for (const c of virtioPciCaps()) {
      const back = parseVirtioPciCap(emitVirtioPciCap(c));
      expect(back).toMatchObject({ cfgType: c.cfgType, bar: c.bar, offset: c.offset, length: c.length });
    }
  });
});

describe('virtio-pci modern registers', () => {
  it('drives virtio-blk through common config and notify, with INTx when MSI-X is off', () => {
    const { pci, driver, backend } = rig();
    const levels: boolean[] = [];
    pci.fn.intx = { set: (l) => levels.push(l) };
    expect(pci.regs.read(COMMON.numQueues, 2)).toBe(1);
    expect(driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX)).toBe(true);
    driver.setupQueue(0, 32);
    driver.driverOk();
    const data = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
    expect(statusOf(roundTrip(driver, writeRequest(3, data)))).toBe(0);
    expect(backend.bytes.subarray(1536, 2048)).toEqual(data);
    expect(levels.at(-1)).toBe(true);
    expect(driver.transport.ackInterrupts()).toBe(1); // reading ISR clears it and lowers INTx
    expect(levels.at(-1)).toBe(false);
    expect(pci.regs.read(COMMON.queueDesc + 4, 4)).toBe(0);
  });

  it('sends the queue vector as an MSI-X message when MSI-X is enabled', () => {
    const { pci, driver } = rig();
    const sent: Array<{ address: number; data: number }> = [];
    pci.fn.msiSink = (m) => sent.push(m);
    pci.fn.writeConfig(REG_COMMAND, 2, 0x6); // memory + bus master
    pci.fn.writeConfig(0x98 + 2, 2, 0x8000); // MSI-X enable
    const table = pci.fn.bars[0].handler;
    table.write(16, 4, 0xfee01000); // vector 1: address
    table.write(16 + 8, 4, 0x41); // data
    table.write(16 + 12, 4, 0); // unmask
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.setupQueue(0, 32);
    pci.regs.write(COMMON.queueMsixVector, 2, 1);
    expect(pci.regs.read(COMMON.queueMsixVector, 2)).toBe(1);
    pci.regs.write(COMMON.msixConfig, 2, 7); // beyond the table: refused
    expect(pci.regs.read(COMMON.msixConfig, 2)).toBe(VIRTIO_MSI_NO_VECTOR);
    driver.driverOk();
    expect(statusOf(roundTrip(driver, readRequest(0, 512)))).toBe(0);
    expect(sent).toEqual([{ address: 0xfee01000, data: 0x41 }]);
  });

  it('a bad chain sets DEVICE_NEEDS_RESET in device_status; writing 0 resets vectors and queues', () => {
    const { pci, driver } = rig();
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.setupQueue(0, 32);
    driver.driverOk();
    driver.submit(0, [{ out: new Uint8Array(4) }]);
    driver.kick(0);
    expect(pci.regs.read(COMMON.deviceStatus, 1) & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
    pci.regs.write(COMMON.deviceStatus, 1, 0);
    expect(pci.regs.read(COMMON.deviceStatus, 1)).toBe(0);
    expect(pci.regs.read(COMMON.queueEnable, 2)).toBe(0);
    expect(pci.regs.read(COMMON.queueSize, 2)).toBe(256);
  });
});
