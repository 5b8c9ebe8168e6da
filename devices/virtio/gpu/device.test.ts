import { describe, expect, it } from 'vitest';
import { pack, unpack } from 'msgpackr';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { STATUS_DEVICE_NEEDS_RESET } from '../constants';
import { MMIO_WINDOW_BYTES, REG, VirtioMmioTransport } from '../mmio';
import { buildVirtioPciFunction } from '../pci-function';
import { MMIO_BASE, RAM_BASE } from '../testing/harness';
import { PciDriverTransport } from '../testing/mock-driver';
import { edidPreferredMode } from './edid';
import { FORMAT } from './formats';
import { VirtioGpu, type GpuState } from './device';
import { decodePng } from './png-read';
import { CMD, emitRequest, parseCtrlHdr, RESP, VIRTIO_GPU_FLAG_FENCE } from './protocol';
import { GpuDriver, gpuRig, hdr } from './testing';

const W = 64;
const H = 32;
const FULL = { x: 0, y: 0, width: W, height: H };

/** Pixel (x, y) in memory byte order for B8G8R8X8: blue, green, red, unused. */
function pattern(w: number, h: number): Uint8Array {
  const b = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set([(x * 4) & 0xff, (y * 8) & 0xff, (x + y) & 0xff, 0xee], (y * w + x) * 4);
  return b;
}

function expectedRgb(bgrx: Uint8Array, w: number, x0: number, y0: number, rw: number, rh: number): Uint8Array {
  const out = new Uint8Array(rw * rh * 3);
  for (let y = 0; y < rh; y++) for (let x = 0; x < rw; x++) {
    const s = ((y0 + y) * w + x0 + x) * 4;
    out.set([bgrx[s + 2], bgrx[s + 1], bgrx[s]], (y * rw + x) * 3);
  }
  return out;
}

/** A framebuffer of W x H in guest RAM, split over two scatter entries at an odd boundary. */
function framebuffer(gpu: GpuDriver, id = 1): Uint8Array {
  const pix = pattern(W, H);
  const addr = gpu.allocBacking(pix.length + 8192);
  const split = 3000;
  gpu.ram.writeBytes(addr, pix.subarray(0, split));
  gpu.ram.writeBytes(addr + 8192, pix.subarray(split));
  expect(gpu.create2d(id, FORMAT.B8G8R8X8_UNORM, W, H)).toBe(RESP.OK_NODATA);
  expect(gpu.attach(id, [{ addr, len: split }, { addr: addr + 8192, len: pix.length - split }])).toBe(RESP.OK_NODATA);
  return pix;
}

describe('virtio-gpu config and display info', () => {
  it('is device 16 with one scanout, no capsets, and EDID offered', () => {
    const { bus, dev } = gpuRig();
    expect(bus.read(MMIO_BASE + REG.DeviceID, 4)).toBe(16);
    expect(bus.read(MMIO_BASE + REG.Config + 8, 4)).toBe(1);
    expect(bus.read(MMIO_BASE + REG.Config + 12, 4)).toBe(0);
    expect(dev.deviceFeatures).toBe(2n);
  });

  it('GET_DISPLAY_INFO reports the 1024x768 default, enabled', () => {
    const { gpu } = gpuRig();
    const r = gpu.displayInfo();
    const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
    expect(v.getUint32(0, true)).toBe(RESP.OK_DISPLAY_INFO);
    expect([24, 28, 32, 36, 40].map((o) => v.getUint32(o, true))).toEqual([0, 0, 1024, 768, 1]);
    expect(v.getUint32(24 + 24 + 16, true)).toBe(0); // scanout 1 does not exist
  });

  it('GET_EDID returns a checksummed 128-byte block whose preferred mode is the scanout size', () => {
    const { gpu } = gpuRig(new VirtioGpu({ outputs: [{ widthPx: 1280, heightPx: 800 }] }));
    const r = gpu.edid(0);
    expect(parseCtrlHdr(r)?.type).toBe(RESP.OK_EDID);
    expect(new DataView(r.buffer, r.byteOffset).getUint32(24, true)).toBe(128);
    const block = r.subarray(32, 160);
    expect(block.reduce((s, b) => s + b, 0) % 256).toBe(0);
    expect(edidPreferredMode(block)).toEqual({ widthPx: 1280, heightPx: 800 });
    expect(parseCtrlHdr(gpu.edid(1))?.type).toBe(RESP.ERR_INVALID_PARAMETER);
  });

  it('a host resize sets events_read and raises the config interrupt; events_clear clears it', () => {
    const { bus, dev, gpu, transport } = gpuRig();
    expect(dev.resizeOutput(0, 800, 600)).toBe(true);
    expect(bus.read(MMIO_BASE + REG.Config, 4)).toBe(1);
    expect(transport.core.isr & 2).toBe(2);
    bus.write(MMIO_BASE + REG.Config + 4, 4, 1);
    expect(bus.read(MMIO_BASE + REG.Config, 4)).toBe(0);
    const v = new DataView(gpu.displayInfo().buffer);
    expect(v.getUint32(32, true)).toBe(800);
    expect(dev.resizeOutput(0, 5, 5)).toBe(false);
  });
});

describe('virtio-gpu 2D pipeline and screenshots', () => {
  it('create, attach, transfer, set scanout, flush: the PNG decodes to exactly the pattern', () => {
    const { gpu, dev } = gpuRig();
    const pix = framebuffer(gpu);
    expect(gpu.transfer(1, FULL, 0n)).toBe(RESP.OK_NODATA);
    expect(gpu.setScanout(0, 1, FULL)).toBe(RESP.OK_NODATA);
    expect(gpu.flush(1, FULL)).toBe(RESP.OK_NODATA);
    const shot = dev.screenshot();
    expect(shot).toBeDefined();
    if (!shot) return;
    const png = decodePng(shot.png);
    expect([shot.widthPx, shot.heightPx, png.widthPx, png.heightPx]).toEqual([W, H, W, H]);
    expect(png.rgb).toEqual(expectedRgb(pix, W, 0, 0, W, H));
    expect(dev.scanouts.outputs[0].frames).toBe(1);
    expect(dev.metrics).toMatchObject({ transfers: 1, transferredBytes: W * H * 4, flushes: 1, errors: 0 });
  });

  it('a partial transfer copies only its rectangle, from offset = y * stride + x * 4', () => {
    const { gpu, dev } = gpuRig();
    const pix = framebuffer(gpu);
    const r = { x: 5, y: 3, width: 20, height: 17 };
    expect(gpu.transfer(1, r, BigInt(3 * W * 4 + 5 * 4))).toBe(RESP.OK_NODATA);
    const res = dev.resources.get(1);
    expect(res?.pixels.subarray(0, W * 4).every((b) => b === 0)).toBe(true);
    const row = (3 + 4) * W * 4;
    expect(res?.pixels.subarray(row + 5 * 4, row + 25 * 4)).toEqual(pix.subarray(row + 5 * 4, row + 25 * 4));
    expect(res?.pixels[row + 25 * 4]).toBe(0);
  });

  it('the screenshot is the scanned-out rectangle, converted from each format', () => {
    for (const [format, order] of [[FORMAT.R8G8B8A8_UNORM, [0, 1, 2]], [FORMAT.X8R8G8B8_UNORM, [1, 2, 3]], [FORMAT.A8B8G8R8_UNORM, [3, 2, 1]]] as const) {
      const { gpu, dev } = gpuRig();
      const pix = pattern(W, H);
      const addr = gpu.allocBacking(pix.length);
      gpu.ram.writeBytes(addr, pix);
      gpu.create2d(7, format, W, H);
      gpu.attach(7, [{ addr, len: pix.length }]);
      gpu.transfer(7, FULL, 0n);
      expect(gpu.setScanout(0, 7, { x: 8, y: 4, width: 16, height: 20 })).toBe(RESP.OK_NODATA);
      const png = decodePng(dev.screenshot()?.png ?? new Uint8Array());
      expect([png.widthPx, png.heightPx]).toEqual([16, 20]);
      const s = ((4 + 2) * W + 8 + 3) * 4;
      expect([...png.rgb.subarray((2 * 16 + 3) * 3, (2 * 16 + 3) * 3 + 3)]).toEqual(order.map((o) => pix[s + o]));
    }
  });

  it('with no scanout set the screenshot is black at the mode size', () => {
    const { dev } = gpuRig();
    const png = decodePng(dev.screenshot()?.png ?? new Uint8Array());
    expect([png.widthPx, png.heightPx]).toEqual([1024, 768]);
    expect(png.rgb.every((b) => b === 0)).toBe(true);
    expect(dev.screenshot(1)).toBeUndefined();
  });

  it('unref releases host memory and blanks the scanout showing it', () => {
    const { gpu, dev } = gpuRig();
    framebuffer(gpu);
    gpu.setScanout(0, 1, FULL);
    expect(dev.resources.hostmemBytes).toBe(W * H * 4);
    expect(gpu.unref(1)).toBe(RESP.OK_NODATA);
    expect(dev.resources.hostmemBytes).toBe(0);
    expect(dev.scanouts.outputs[0].resourceId).toBe(0);
    expect(gpu.unref(1)).toBe(RESP.ERR_INVALID_RESOURCE_ID);
  });

  it('serves several outputs (max_outputs=2): both reported, each scanned out on its own', () => {
    const { gpu, dev } = gpuRig(new VirtioGpu({ outputs: [{ widthPx: 800, heightPx: 600 }, { widthPx: 640, heightPx: 480 }] }));
    const v = new DataView(gpu.displayInfo().buffer);
    expect([32, 36, 40, 56, 60, 64].map((o) => v.getUint32(o, true))).toEqual([800, 600, 1, 640, 480, 1]);
    framebuffer(gpu);
    expect(gpu.transfer(1, FULL, 0n)).toBe(RESP.OK_NODATA);
    expect(gpu.setScanout(1, 1, { x: 16, y: 0, width: 16, height: 16 })).toBe(RESP.OK_NODATA);
    expect(gpu.flush(1, FULL)).toBe(RESP.OK_NODATA);
    expect(dev.stats()).toMatchObject({ resources: 1, hostmemBytes: W * H * 4, framesByScanout: [0, 1], flushes: 1 });
    expect([dev.screenshot(0)?.widthPx, dev.screenshot(1)?.widthPx]).toEqual([800, 16]);
  });

  it('works the same over the modern virtio-pci transport (device id 0x1050, display class)', () => {
    const ram = new GuestRam(RAM_BASE, 16 << 20);
    const dev = new VirtioGpu();
    const pci = buildVirtioPciFunction(dev, ram);
    expect([pci.fn.vendorId, pci.fn.deviceId, pci.fn.classCode]).toEqual([0x1af4, 0x1050, 0x038000]);
    const gpu = GpuDriver.over(ram, new PciDriverTransport(pci.regs), RAM_BASE, 8 << 20);
    gpu.start();
    const pix = framebuffer(gpu);
    expect(gpu.transfer(1, FULL, 0n)).toBe(RESP.OK_NODATA);
    expect(gpu.setScanout(0, 1, FULL)).toBe(RESP.OK_NODATA);
    expect(decodePng(dev.screenshot()?.png ?? new Uint8Array()).rgb).toEqual(expectedRgb(pix, W, 0, 0, W, H));
  });
});

describe('virtio-gpu error responses', () => {
  it('answers each malformed command with the specification error', () => {
    const { gpu } = gpuRig(new VirtioGpu({ limits: { maxHostmemBytes: 1 << 20, maxResources: 2 } }));
    expect(gpu.create2d(0, FORMAT.B8G8R8A8_UNORM, 4, 4)).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.create2d(1, 999, 4, 4)).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.create2d(1, FORMAT.B8G8R8A8_UNORM, 0, 4)).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.create2d(1, FORMAT.B8G8R8A8_UNORM, 0xffffffff, 0xffffffff)).toBe(RESP.ERR_OUT_OF_MEMORY);
    expect(gpu.create2d(1, FORMAT.B8G8R8A8_UNORM, 32, 32)).toBe(RESP.OK_NODATA);
    expect(gpu.create2d(1, FORMAT.B8G8R8A8_UNORM, 32, 32)).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.create2d(2, FORMAT.B8G8R8A8_UNORM, 16, 16)).toBe(RESP.OK_NODATA);
    expect(gpu.create2d(3, FORMAT.B8G8R8A8_UNORM, 16, 16)).toBe(RESP.ERR_OUT_OF_MEMORY); // resource count
    expect(gpu.transfer(1, { x: 0, y: 0, width: 32, height: 32 }, 0n)).toBe(RESP.ERR_UNSPEC); // no backing
    expect(gpu.setScanout(0, 1, { x: 0, y: 0, width: 32, height: 32 })).toBe(RESP.ERR_UNSPEC); // no backing
    expect(gpu.transfer(8, { x: 0, y: 0, width: 1, height: 1 }, 0n)).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.attach(9, [])).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.attach(1, [{ addr: 0x1000, len: 4096 }])).toBe(RESP.ERR_UNSPEC); // outside guest RAM
    expect(gpu.detach(1)).toBe(RESP.ERR_UNSPEC);
    expect(gpu.attach(1, [{ addr: gpu.allocBacking(4096), len: 4096 }])).toBe(RESP.OK_NODATA);
    expect(gpu.attach(1, [{ addr: gpu.allocBacking(4096), len: 4096 }])).toBe(RESP.ERR_UNSPEC); // already attached
    expect(gpu.transfer(1, { x: 0xffffffff, y: 0, width: 2, height: 1 }, 0n)).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.transfer(1, { x: 1, y: 0, width: 32, height: 1 }, 0n)).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.transfer(1, { x: 0, y: 0, width: 32, height: 32 }, 0xffff_ffff_ffff_ffffn)).toBe(RESP.OK_NODATA);
    expect(gpu.setScanout(1, 1, { x: 0, y: 0, width: 32, height: 32 })).toBe(RESP.ERR_INVALID_SCANOUT_ID);
    expect(gpu.setScanout(0, 5, { x: 0, y: 0, width: 32, height: 32 })).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.setScanout(0, 1, { x: 0, y: 0, width: 8, height: 32 })).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.setScanout(0, 1, { x: 20, y: 0, width: 16, height: 16 })).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.setScanout(0, 0, { x: 0, y: 0, width: 0, height: 0 })).toBe(RESP.OK_NODATA); // disable
    expect(gpu.flush(5, { x: 0, y: 0, width: 1, height: 1 })).toBe(RESP.ERR_INVALID_RESOURCE_ID);
    expect(gpu.flush(1, { x: 0, y: 0, width: 33, height: 1 })).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.cmd(CMD.CTX_CREATE, [0, 0])).toBe(RESP.ERR_INVALID_CONTEXT_ID);
    expect(gpu.cmd(CMD.GET_CAPSET_INFO, [0, 0])).toBe(RESP.ERR_UNSPEC);
    expect(gpu.cmd(CMD.RESOURCE_CREATE_BLOB, [1, 1, 0, 0, 0n])).toBe(RESP.ERR_INVALID_PARAMETER);
    expect(gpu.cmd(0x7777, [])).toBe(RESP.ERR_UNSPEC);
    expect(parseCtrlHdr(gpu.send(new Uint8Array(10)))?.type).toBe(RESP.ERR_UNSPEC); // short header
    expect(gpu.cmd(CMD.RESOURCE_CREATE_2D, [1])).toBe(RESP.ERR_UNSPEC); // short body
  });

  it('GET_EDID without the negotiated feature is ERR_UNSPEC', () => {
    const { gpu } = gpuRig();
    gpu.start(1n << 32n);
    expect(parseCtrlHdr(gpu.edid(0))?.type).toBe(RESP.ERR_UNSPEC);
  });

  it('echoes FLAG_FENCE and the fence id in the response', () => {
    const { gpu, dev } = gpuRig();
    const resp = parseCtrlHdr(gpu.send(emitRequest({ ...hdr(CMD.RESOURCE_CREATE_2D, 0x1234_5678_9abcn), ctxId: 3 }, [1, FORMAT.B8G8R8A8_UNORM, 4, 4])));
    expect(resp).toEqual({ type: RESP.OK_NODATA, flags: VIRTIO_GPU_FLAG_FENCE, fenceId: 0x1234_5678_9abcn, ctxId: 3, ringIdx: 0 });
    const unfenced = parseCtrlHdr(gpu.send(emitRequest({ ...hdr(CMD.RESOURCE_UNREF), fenceId: 9n }, [1, 0])));
    expect(unfenced).toMatchObject({ flags: 0, fenceId: 0n });
    expect(dev.metrics.fences).toBe(1);
  });

  it('a broken ring puts the device in DEVICE_NEEDS_RESET without throwing', () => {
    const { gpu, transport } = gpuRig();
    gpu.driver.writeDescriptor(0, 3, { addr: 0x10, len: 64, flags: 0, next: 0 });
    gpu.driver.publish(0, 3);
    expect(() => gpu.driver.kick(0)).not.toThrow();
    expect(transport.core.status & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
  });
});

describe('virtio-gpu cursor queue', () => {
  it('UPDATE_CURSOR takes a 64x64 resource and MOVE_CURSOR moves it, as QEMU applies them', () => {
    const { gpu, dev } = gpuRig();
    expect(gpu.create2d(3, FORMAT.B8G8R8A8_UNORM, 64, 64)).toBe(RESP.OK_NODATA);
    expect(gpu.create2d(4, FORMAT.B8G8R8A8_UNORM, 32, 32)).toBe(RESP.OK_NODATA);
    expect(gpu.cursor(CMD.UPDATE_CURSOR, 0, 100, 50, 3, 2, 1)).toBe(1);
    expect(dev.cursor).toMatchObject({ resourceId: 3, x: 100, y: 50, hotX: 2, hotY: 1, updates: 1 });
    expect(dev.cursor.image?.length).toBe(64 * 64 * 4);
    gpu.cursor(CMD.MOVE_CURSOR, 0, 7, 9);
    expect(dev.cursor).toMatchObject({ resourceId: 3, x: 7, y: 9, moves: 1 });
    const image = dev.cursor.image;
    gpu.cursor(CMD.UPDATE_CURSOR, 0, 1, 1, 4); // not 64x64: position applies, the image stays
    expect(dev.cursor).toMatchObject({ resourceId: 4, x: 1, y: 1, rejectedImages: 1 });
    expect(dev.cursor.image).toEqual(image);
    gpu.cursor(CMD.MOVE_CURSOR, 5, 9, 9); // no such scanout
    expect(dev.cursor).toMatchObject({ x: 1, y: 1, ignored: 1 });
    gpu.cursor(CMD.UPDATE_CURSOR, 0, 0, 0, 0);
    expect(dev.cursor).toMatchObject({ resourceId: 0, updates: 3 });
  });
});

describe('virtio-gpu snapshots', () => {
  it('save/restore (through msgpack) keeps resources, backing, scanouts and the cursor', () => {
    const { gpu, dev } = gpuRig();
    const pix = framebuffer(gpu);
    gpu.transfer(1, FULL, 0n);
    gpu.setScanout(0, 1, FULL);
    gpu.flush(1, FULL);
    const before = dev.screenshot()?.png;
    const state = unpack(pack(dev.save())) as GpuState;
    const other = gpuRig();
    other.dev.restore(state);
    expect(other.dev.screenshot()?.png).toEqual(before);
    expect(other.dev.resources.hostmemBytes).toBe(W * H * 4);
    expect(other.dev.scanouts.outputs[0]).toMatchObject({ resourceId: 1, frames: 1 });
    expect(other.dev.resources.get(1)?.backing?.length).toBe(2);
    expect(decodePng(before ?? new Uint8Array()).rgb).toEqual(expectedRgb(pix, W, 0, 0, W, H));
  });

  it('a transport snapshot resumes mid-session on a fresh device: the driver carries on unaware', () => {
    const { gpu, dev, bus, ram, irq, transport } = gpuRig();
    const pix = framebuffer(gpu);
    gpu.transfer(1, FULL, 0n);
    gpu.setScanout(0, 1, FULL);
    const saved = unpack(pack(transport.save())) as ReturnType<typeof transport.save>;
    const fresh = new VirtioGpu();
    const resumed = new VirtioMmioTransport<unknown>(fresh, ram, irq);
    resumed.restore(saved);
    bus.unmapMmio('virtio-mmio0');
    bus.mapMmio('virtio-mmio0', MMIO_BASE, MMIO_WINDOW_BYTES, resumed);
    const backing = fresh.resources.get(1)?.backing?.[0];
    expect(backing).toBeDefined();
    if (!backing) return;
    ram.writeBytes(backing.addr, new Uint8Array(W * 4).fill(0x80)); // repaint row 0
    expect(gpu.transfer(1, FULL, 0n)).toBe(RESP.OK_NODATA);
    expect(gpu.flush(1, FULL)).toBe(RESP.OK_NODATA);
    const rgb = decodePng(fresh.screenshot()?.png ?? new Uint8Array()).rgb;
    expect(rgb.subarray(0, W * 3).every((b) => b === 0x80)).toBe(true);
    expect(rgb.subarray(W * 3)).toEqual(expectedRgb(pix, W, 0, 1, W, H - 1));
    expect(dev.metrics.flushes).toBe(0);
    expect(fresh.metrics).toMatchObject({ transfers: 2, flushes: 1 });
  });

  it('a driver reset destroys every resource, as QEMU does', () => {
    const { gpu, dev } = gpuRig();
    framebuffer(gpu);
    gpu.start();
    expect(dev.resources.count).toBe(0);
    expect(dev.resources.hostmemBytes).toBe(0);
  });
});
