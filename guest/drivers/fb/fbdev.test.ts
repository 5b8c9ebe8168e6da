// /dev/fb0 end to end: a machine with a virtio-gpu (PCI on q35 and virt, virtio-mmio on virt)
// boots, the guest's virtio-gpu driver brings up the framebuffer, and user programs use it
// through the fbdev ABI. What they draw is checked in the device's scanout (the screenshot).
import { describe, expect, it } from 'vitest';
import type { DeviceSpec, MachineType } from '../../../emulator/machine/description/types';
import type { SyscallTrap } from '../../abi/native';
import type { Machine } from '../../../emulator/machine/machine';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';
import { decodePng } from '../../../devices/virtio/gpu/png-read';
import { decodeFix, decodeVar, encodeVar, FB_FIX_BYTES, FB_VAR_BYTES, FBIOBLANK, FBIOGET_FSCREENINFO, FBIOGET_VSCREENINFO, FBIOPAN_DISPLAY, FBIOPUT_VSCREENINFO } from './fb-structs';

const AT_FDCWD = -100, O_RDONLY = 0, O_RDWR = 2;
const PROT_RW = 3, MAP_SHARED = 1, MAP_PRIVATE = 2;
const EINVAL = 22, ENOSPC = 28, ENOTTY = 25;
type Body = (u: USys) => Generator<SyscallTrap, void, number>;

function* devAndSys(u: USys): Generator<SyscallTrap, void, number> {
  for (const [src, dir, type] of [['devtmpfs', '/dev', 'devtmpfs'], ['sysfs', '/sys', 'sysfs']]) {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr(dir), 0o755);
    yield* u.sys('mount', u.cstr(src), u.cstr(dir), u.cstr(type), 0, 0);
  }
}

function* readText(u: USys, path: string): Generator<SyscallTrap, string, number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_RDONLY, 0);
  if (fd < 0) return `open ${fd}`;
  const buf = u.alloc(256);
  const n = yield* u.sys('read', fd, buf, 256);
  yield* u.sys('close', fd);
  return n < 0 ? `read ${n}` : u.text(buf, n);
}

/** The machine being run, so a test body can look at the device while the guest runs. */
let live: Machine | undefined;

function boot(type: MachineType, devices: DeviceSpec[], body: Body) {
  return runInit(function* (u) {
    yield* devAndSys(u);
    yield* body(u);
  }, { type, description: { devices }, onMachine: (m) => (live = m) });
}

function liveGpu() {
  return live!.devices.gpus[0].device;
}

const gpuPci: DeviceSpec[] = [{ driver: 'virtio-gpu-pci', props: {} }];

function shot(r: ReturnType<typeof boot>) {
  const s = r.machine.devices.gpus[0].device.screenshot();
  if (!s) throw new Error('no screenshot');
  return decodePng(s.png);
}

function rgbAt(p: { widthPx: number; rgb: Uint8Array }, x: number, y: number): number {
  const at = (y * p.widthPx + x) * 3;
  return (p.rgb[at] << 16) | (p.rgb[at + 1] << 8) | p.rgb[at + 2];
}

/** One row of `w` pixels of 0xRRGGBB in XRGB8888 memory order. */
function row(w: number, rgb: number): Uint8Array {
  const b = new Uint8Array(w * 4);
  for (let i = 0; i < w; i++) b.set([rgb & 0xff, (rgb >> 8) & 0xff, rgb >> 16, 0], i * 4);
  return b;
}

describe('virtio-gpu driver and /dev/fb0', () => {
  const cases: Array<{ type: MachineType; devices: DeviceSpec[]; pci: boolean }> = [
    { type: 'q35', devices: gpuPci, pci: true },
    { type: 'virt', devices: gpuPci, pci: true },
    { type: 'virt', devices: [{ driver: 'virtio-gpu-device', props: {} }], pci: false },
  ];
  for (const c of cases) {
    it(`${c.type} with ${c.devices[0].driver}: drm boot lines, fb_var/fb_fix, sysfs, a write reaches the scanout`, () => {
      const got: Array<string | number> = [];
      let v: ReturnType<typeof decodeVar>, f: ReturnType<typeof decodeFix> | undefined;
      const r = boot(c.type, c.devices, function* (u) {
        const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/fb0'), O_RDWR, 0);
        const vb = u.alloc(FB_VAR_BYTES), fb = u.alloc(FB_FIX_BYTES);
        got.push(yield* u.sys('ioctl', fd, FBIOGET_VSCREENINFO, vb), yield* u.sys('ioctl', fd, FBIOGET_FSCREENINFO, fb));
        v = decodeVar(u.read(vb, FB_VAR_BYTES));
        f = decodeFix(u.read(fb, FB_FIX_BYTES));
        for (const a of ['name', 'virtual_size', 'bits_per_pixel', 'stride', 'dev']) got.push(yield* readText(u, `/sys/class/graphics/fb0/${a}`));
        // A red bar on rows 10..11 through write(2) at an lseek'd position.
        got.push(yield* u.sys('lseek', fd, 10 * 4096, 0));
        const bar = new Uint8Array([...row(1024, 0xff0000), ...row(1024, 0xff0000)]);
        got.push(yield* u.sys('write', fd, u.bytes(bar), bar.length));
        got.push(yield* u.sys('ioctl', fd, 0x5401, 0));
      });
      const drm = [
        ...(c.pci ? [/\[drm\] pci: virtio-gpu-pci detected at 0000:00:0\d\.0/] : []),
        /\[drm\] features: -virgl \+edid -resource_blob -host_visible/, /\[drm\] features: -context_init/,
        /\[drm\] number of scanouts: 1/, /\[drm\] number of cap sets: 0/, /\[drm\] Initialized virtio_gpu 0\.1\.0 0 for virtio0 on minor 0/,
        /virtio_gpu virtio0: \[drm\] fb0: virtio_gpudrmfb frame buffer device/,
      ];
      for (const re of drm) expect(r.output).toMatch(re);
      expect(got).toEqual([0, 0, 'virtio_gpudrmfb\n', '1024,768\n', '32\n', '4096\n', '29:0\n', 40960, 8192, -ENOTTY]);
      expect(v).toMatchObject({ xres: 1024, yres: 768, xresVirtual: 1024, yresVirtual: 768, bitsPerPixel: 32, red: { offset: 16, length: 8 }, green: { offset: 8, length: 8 }, blue: { offset: 0, length: 8 }, transp: { offset: 0, length: 0 } });
      expect(f).toMatchObject({ id: 'virtio_gpudrmfb', smemLen: 1024 * 768 * 4, type: 0, visual: 2, lineLength: 4096, xpanstep: 1, ypanstep: 1 });
      const p = shot(r);
      expect([p.widthPx, p.heightPx]).toEqual([1024, 768]);
      expect([rgbAt(p, 0, 9), rgbAt(p, 0, 10), rgbAt(p, 1023, 11), rgbAt(p, 5, 12)]).toEqual([0, 0xff0000, 0xff0000, 0]);
    });
  }

  it('mmap(MAP_SHARED) writes reach the screen after the deferred-I/O delay; msync flushes at once', () => {
    const seen: number[] = [];
    const frames = () => liveGpu().stats().framesByScanout[0];
    const r = boot('virt', gpuPci, function* (u) {
      const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/fb0'), O_RDWR, 0);
      seen.push(yield* u.sys('mmap', 0, 4096 * 768, PROT_RW, MAP_PRIVATE, fd, 0));
      const addr = yield* u.sys('mmap', 0, 4096 * 768, PROT_RW, MAP_SHARED, fd, 0);
      const before = frames();
      u.ctx.mem.write(addr + 100 * 4096, row(1024, 0x00ff00));
      seen.push(frames() - before);
      yield* u.sys('nanosleep', u.bytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xf0, 0xfa, 0x02, 0, 0, 0, 0])), 0); // 50 ms
      seen.push(frames() - before);
      u.ctx.mem.write(addr + 200 * 4096, row(1024, 0x0000ff));
      seen.push(yield* u.sys('msync', addr, 4096 * 768, 4));
      seen.push(frames() - before);
      // The framebuffer memory is the mapping: read(2) sees what the mapping wrote.
      seen.push(yield* u.sys('lseek', fd, 200 * 4096, 0));
      const buf = u.alloc(4);
      yield* u.sys('read', fd, buf, 4);
      seen.push(u.read(buf, 4)[0]);
      seen.push(yield* u.sys('munmap', addr, 4096 * 768));
    });
    expect(seen).toEqual([-EINVAL, 0, 1, 0, 2, 200 * 4096, 0xff, 0]);
    const p = shot(r);
    expect([rgbAt(p, 3, 100), rgbAt(p, 3, 200), rgbAt(p, 3, 201)]).toEqual([0x00ff00, 0x0000ff, 0]);
  });

  it('FBIOBLANK darkens the scanout and unblank restores it; FBIOPUT_VSCREENINFO only takes EDID modes; writes past the end', () => {
    const got: number[] = [];
    const states: number[] = [];
    const r = boot('q35', gpuPci, function* (u) {
      const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/fb0'), O_RDWR, 0);
      yield* u.sys('write', fd, u.bytes(row(1024, 0xffffff)), 4096);
      got.push(yield* u.sys('ioctl', fd, FBIOBLANK, 4));
      states.push(liveGpu().scanouts.outputs[0].resourceId);
      got.push(yield* u.sys('ioctl', fd, FBIOBLANK, 0));
      states.push(liveGpu().scanouts.outputs[0].resourceId);
      got.push(yield* u.sys('ioctl', fd, FBIOBLANK, 9));
      const vb = u.alloc(FB_VAR_BYTES);
      yield* u.sys('ioctl', fd, FBIOGET_VSCREENINFO, vb);
      const v = decodeVar(u.read(vb, FB_VAR_BYTES))!;
      got.push(yield* u.sys('ioctl', fd, FBIOPUT_VSCREENINFO, u.bytes(encodeVar({ ...v, xres: 800, yres: 600 }))));
      got.push(yield* u.sys('ioctl', fd, FBIOPUT_VSCREENINFO, u.bytes(encodeVar({ ...v, bitsPerPixel: 16 }))));
      got.push(yield* u.sys('ioctl', fd, FBIOPUT_VSCREENINFO, u.bytes(encodeVar(v))));
      got.push(yield* u.sys('ioctl', fd, FBIOPAN_DISPLAY, u.bytes(encodeVar({ ...v, yoffset: 8 }))));
      got.push(yield* u.sys('ioctl', fd, FBIOPAN_DISPLAY, u.bytes(encodeVar(v))));
      const size = 1024 * 768 * 4;
      got.push(yield* u.sys('lseek', fd, size - 8, 0));
      got.push(yield* u.sys('write', fd, u.bytes(new Uint8Array(16)), 16));
      got.push(yield* u.sys('write', fd, u.bytes(new Uint8Array(8)), 8));
      got.push(yield* u.sys('lseek', fd, 0, 2));
    });
    expect(states).toEqual([0, 1]);
    expect(got).toEqual([0, 0, -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL, 0, 1024 * 768 * 4 - 8, -ENOSPC, 8, 0]);
    expect(rgbAt(shot(r), 7, 0)).toBe(0xffffff);
  });

  it('a machine without a display has no /dev/fb0 and no graphics class', () => {
    const got: string[] = [];
    boot('virt', [], function* (u) {
      got.push(yield* readText(u, '/sys/class/graphics/fb0/name'));
      got.push(String(yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/fb0'), O_RDWR, 0)));
    });
    expect(got).toEqual(['open -2', '-2']);
  });
});
