import { describe, expect, it } from 'vitest';
import { F_RING_EVENT_IDX, F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK } from './constants';
import { MMIO_MAGIC, MMIO_VENDOR_ID, REG } from './mmio';
import { MemoryBackend } from './blk/backend';
import { VirtioBlk } from './blk/device';
import { readRequest, roundTrip, statusOf } from './blk/testing';
import { MMIO_BASE, virtioRig } from './testing/harness';

function rig() {
  return virtioRig(new VirtioBlk(new MemoryBackend(1 << 20)));
}

describe('virtio-mmio version 2 registers', () => {
  it('identifies itself as QEMU does', () => {
    const { bus } = rig();
    expect(bus.read(MMIO_BASE + REG.MagicValue, 4)).toBe(MMIO_MAGIC);
    expect(bus.read(MMIO_BASE + REG.Version, 4)).toBe(2);
    expect(bus.read(MMIO_BASE + REG.DeviceID, 4)).toBe(2);
    expect(bus.read(MMIO_BASE + REG.VendorID, 4)).toBe(MMIO_VENDOR_ID);
  });

  it('exposes 64 feature bits through the select window, VERSION_1 in the high word', () => {
    const { bus } = rig();
    bus.write(MMIO_BASE + REG.DeviceFeaturesSel, 4, 1);
    expect(bus.read(MMIO_BASE + REG.DeviceFeatures, 4) & 1).toBe(1);
    bus.write(MMIO_BASE + REG.DeviceFeaturesSel, 4, 0);
    expect(bus.read(MMIO_BASE + REG.DeviceFeatures, 4) & (1 << 29)).toBe(1 << 29);
    bus.write(MMIO_BASE + REG.DeviceFeaturesSel, 4, 7);
    expect(bus.read(MMIO_BASE + REG.DeviceFeatures, 4)).toBe(0);
  });

  it('QueueNumMax is the device maximum for existing queues and 0 beyond', () => {
    const { bus } = rig();
    expect(bus.read(MMIO_BASE + REG.QueueNumMax, 4)).toBe(256);
    bus.write(MMIO_BASE + REG.QueueSel, 4, 1);
    expect(bus.read(MMIO_BASE + REG.QueueNumMax, 4)).toBe(0);
  });

  it('refuses FEATURES_OK without VERSION_1 or with features it never offered', () => {
    const { driver } = rig();
    expect(driver.negotiate(F_RING_EVENT_IDX)).toBe(false);
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.transport.setStatus(0);
    driver.transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    driver.transport.setDriverFeatures(F_VERSION_1 | (1n << 40n));
    driver.transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    expect(driver.transport.status() & STATUS_FEATURES_OK).toBe(0);
  });

  it('a ring outside guest RAM at DRIVER_OK sets DEVICE_NEEDS_RESET instead of throwing', () => {
    const { driver, transport, bus } = rig();
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    transport.core.queueSel = 0;
    driver.transport.setQueue(0, 16, 0x10, 0x1000, 0x2000);
    driver.driverOk();
    expect(bus.read(MMIO_BASE + REG.Status, 4) & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
    expect(() => driver.kick(0)).not.toThrow();
  });

  it('a queue larger than QueueNumMax sets DEVICE_NEEDS_RESET at DRIVER_OK', () => {
    const { driver, transport } = rig();
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.setupQueue(0, 512);
    driver.driverOk();
    expect(transport.core.needsResetReason).toMatch(/above its maximum/);
  });

  it('InterruptACK lowers the line; writing 0 to Status resets everything', () => {
    const { driver, irq, bus } = rig();
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.setupQueue(0, 16);
    driver.driverOk();
    expect(bus.read(MMIO_BASE + REG.Status, 4)).toBe(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    expect(statusOf(roundTrip(driver, readRequest(0, 512)))).toBe(0);
    expect(irq.level).toBe(true);
    expect(bus.read(MMIO_BASE + REG.InterruptStatus, 4)).toBe(1);
    bus.write(MMIO_BASE + REG.InterruptACK, 4, 1);
    expect(irq.level).toBe(false);
    bus.write(MMIO_BASE + REG.Status, 4, 0);
    expect(bus.read(MMIO_BASE + REG.Status, 4)).toBe(0);
    expect(bus.read(MMIO_BASE + REG.QueueReady, 4)).toBe(0);
  });

  it('with EVENT_IDX the driver can defer the interrupt', () => {
    const { driver, irq } = rig();
    expect(driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX)).toBe(true);
    driver.setupQueue(0, 16);
    driver.driverOk();
    driver.setUsedEvent(0, 5);
    for (let i = 0; i < 3; i++) driver.submit(0, readRequest(i, 512));
    driver.kick(0);
    expect(driver.collect(0)).toHaveLength(3);
    expect(irq.raises).toBe(0);
    expect(driver.availEvent(0)).toBe(3);
    for (let i = 0; i < 3; i++) driver.submit(0, readRequest(i, 512));
    driver.kick(0);
    expect(irq.raises).toBe(1);
  });
});
