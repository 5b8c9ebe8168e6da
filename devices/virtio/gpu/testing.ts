// A virtio-gpu driver for tests and benches on top of the mock virtio driver: it negotiates,
// sets up both queues, and sends the 2D commands as Linux's virtio-gpu driver lays them out.
// Guest RAM is split: the mock driver's rings and request buffers below `backingBase`,
// long-lived framebuffer backing above it (so the driver's cyclic allocator never reuses it).

import { Bus } from '../../../emulator/bus/bus';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1 } from '../constants';
import { MMIO_WINDOW_BYTES, VirtioMmioTransport } from '../mmio';
import { MMIO_BASE, RAM_BASE, RecordingIrq } from '../testing/harness';
import { MockVirtioDriver, type DriverTransport } from '../testing/mock-driver';
import { CONTROL_QUEUE, CURSOR_QUEUE, VirtioGpu } from './device';
import {
  CMD, CTRL_HDR_BYTES, DISPLAY_INFO_RESP_BYTES, EDID_RESP_BYTES, emitRequest, parseCtrlHdr, rectWords,
  VIRTIO_GPU_F_EDID, VIRTIO_GPU_FLAG_FENCE, type CtrlHdr, type Rect,
} from './protocol';

export interface GpuRig {
  ram: GuestRam;
  bus: Bus;
  irq: RecordingIrq;
  transport: VirtioMmioTransport<unknown>;
  dev: VirtioGpu;
  gpu: GpuDriver;
}

/** `driverBytes` of RAM for the mock driver, then `backingBytes` for framebuffers. */
export function gpuRig(dev = new VirtioGpu(), driverBytes = 8 << 20, backingBytes = 8 << 20): GpuRig {
  const ram = new GuestRam(RAM_BASE, driverBytes + backingBytes);
  const bus = new Bus(ram);
  const irq = new RecordingIrq();
  const transport = new VirtioMmioTransport<unknown>(dev, ram, irq);
  bus.mapMmio('virtio-mmio0', MMIO_BASE, MMIO_WINDOW_BYTES, transport);
  const driver = MockVirtioDriver.mmio(bus, MMIO_BASE, RAM_BASE, driverBytes);
  const gpu = new GpuDriver(ram, driver, RAM_BASE + driverBytes);
  gpu.start();
  return { ram, bus, irq, transport, dev, gpu };
}

export function hdr(type: number, fenceId?: bigint): CtrlHdr {
  return { type, flags: fenceId === undefined ? 0 : VIRTIO_GPU_FLAG_FENCE, fenceId: fenceId ?? 0n, ctxId: 0, ringIdx: 0 };
}

export class GpuDriver {
  private backingTop: number;

  constructor(
    readonly ram: GuestRam,
    readonly driver: MockVirtioDriver,
    readonly backingBase: number,
  ) {
    this.backingTop = backingBase;
  }

  static over(ram: GuestRam, transport: DriverTransport, memBase: number, driverBytes: number): GpuDriver {
    return new GpuDriver(ram, new MockVirtioDriver(ram, transport, memBase, driverBytes), memBase + driverBytes);
  }

  start(wanted = F_VERSION_1 | F_RING_EVENT_IDX | F_RING_INDIRECT_DESC | VIRTIO_GPU_F_EDID): void {
    if (!this.driver.negotiate(wanted)) throw new Error('virtio-gpu: feature negotiation refused');
    this.driver.setupQueue(CONTROL_QUEUE, 64);
    this.driver.setupQueue(CURSOR_QUEUE, 16);
    this.driver.driverOk();
  }

  /** Guest-physical pages for a framebuffer (page aligned, never reused). */
  allocBacking(lenBytes: number): number {
    const addr = this.backingTop;
    this.backingTop += Math.ceil(lenBytes / 4096) * 4096;
    return addr;
  }

  /** Sends one control request and returns its response bytes (as long as the used length says). */
  send(req: Uint8Array, respBytes = CTRL_HDR_BYTES): Uint8Array {
    this.driver.submit(CONTROL_QUEUE, [{ out: req }, { inLen: respBytes }]);
    this.driver.kick(CONTROL_QUEUE);
    const done = this.driver.collect(CONTROL_QUEUE);
    if (done.length !== 1) throw new Error(`expected one completion, got ${done.length}`);
    return done[0].inputs[0].subarray(0, done[0].len);
  }

  /** The response type of a command that answers with a bare header. */
  cmd(type: number, words: ReadonlyArray<number | bigint>): number {
    return parseCtrlHdr(this.send(emitRequest(hdr(type), words)))?.type ?? -1;
  }

  displayInfo(): Uint8Array {
    return this.send(emitRequest(hdr(CMD.GET_DISPLAY_INFO), []), DISPLAY_INFO_RESP_BYTES);
  }

  edid(scanoutId: number): Uint8Array {
    return this.send(emitRequest(hdr(CMD.GET_EDID), [scanoutId, 0]), EDID_RESP_BYTES);
  }

  create2d(id: number, format: number, width: number, height: number): number {
    return this.cmd(CMD.RESOURCE_CREATE_2D, [id, format, width, height]);
  }

  attach(id: number, entries: ReadonlyArray<{ addr: number; len: number }>): number {
    const words: Array<number | bigint> = [id, entries.length];
    for (const e of entries) words.push(BigInt(e.addr), e.len, 0);
    return this.cmd(CMD.RESOURCE_ATTACH_BACKING, words);
  }

  detach(id: number): number {
    return this.cmd(CMD.RESOURCE_DETACH_BACKING, [id, 0]);
  }

  setScanout(scanoutId: number, id: number, r: Rect): number {
    return this.cmd(CMD.SET_SCANOUT, [...rectWords(r), scanoutId, id]);
  }

  transfer(id: number, r: Rect, offset: bigint): number {
    return this.cmd(CMD.TRANSFER_TO_HOST_2D, [...rectWords(r), offset, id, 0]);
  }

  flush(id: number, r: Rect): number {
    return this.cmd(CMD.RESOURCE_FLUSH, [...rectWords(r), id, 0]);
  }

  unref(id: number): number {
    return this.cmd(CMD.RESOURCE_UNREF, [id, 0]);
  }

  /** Publishes one cursor command (UPDATE_CURSOR or MOVE_CURSOR) and kicks the cursor queue. */
  cursor(type: number, scanoutId: number, x: number, y: number, resourceId = 0, hotX = 0, hotY = 0): number {
    this.driver.submit(CURSOR_QUEUE, [{ out: emitRequest(hdr(type), [scanoutId, x, y, 0, resourceId, hotX, hotY, 0]) }]);
    this.driver.kick(CURSOR_QUEUE);
    return this.driver.collect(CURSOR_QUEUE).length;
  }
}
