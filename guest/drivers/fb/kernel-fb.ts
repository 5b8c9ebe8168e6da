// The kernel's displays: virtio-gpu devices found at boot, each driven by VirtioGpuDriver with
// drm's log lines, and the first scanout of each as an fbdev framebuffer (/dev/fbN, char 29:N,
// /sys/class/graphics/fbN). The mode is the scanout's from GET_DISPLAY_INFO, the EDID's
// preferred mode when the display is not enabled yet. State hangs off the kernel in a WeakMap.

import type { Kernel } from '../../kernel/kernel';
import { KERN_ERR } from '../../kernel/klog';
import { OpenFile } from '../../kernel/file';
import { useMsix } from '../../kernel/storage';
import type { FsNode } from '../../fs/node';
import { makeDev } from '../../fs/tmpfs';
import type { Vfs } from '../../fs/vfs';
import { probeVirtio } from '../virtio/probe';
import { VirtioPciDriverTransport } from '../virtio/pci';
import { VIRTIO_ID_GPU, VirtioGpuDriver } from '../virtio/gpu';
import { edidModes, type EdidMode } from './edid-modes';
import { fbFileOps } from './fbdev';
import { FB_ID, Framebuffer } from './framebuffer';

export const FB_MAJOR = 29;
const FALLBACK_MODE: EdidMode = { widthPx: 1024, heightPx: 768, widthMm: 0, heightMm: 0 };

export interface KernelDisplay {
  gpu: VirtioGpuDriver;
  fb: Framebuffer;
  /** virtioN, for log lines. */
  virtioName: string;
}

const displays = new WeakMap<Kernel, KernelDisplay[]>();

export function displaysOf(k: Kernel): KernelDisplay[] {
  let d = displays.get(k);
  if (!d) {
    d = [];
    displays.set(k, d);
  }
  return d;
}

/** Boot: bring up every virtio-gpu (drivers/gpu/drm/virtio's messages) and its fbdev. */
export function probeDisplays(k: Kernel): void {
  const list = displaysOf(k);
  probeVirtio(k.machine).forEach((t, index) => {
    if (t.deviceType !== VIRTIO_ID_GPU) return;
    const name = `virtio${index}`;
    if (t instanceof VirtioPciDriverTransport) k.klog.printk(`[drm] pci: virtio-gpu-pci detected at ${t.where}`);
    // Linux's vectors: configuration, control queue, cursor queue.
    const msix = useMsix(k, t, 3);
    const gpu = VirtioGpuDriver.init(t, k.machine.ram, () => k.frames.alloc());
    if (typeof gpu === 'string') {
      k.klog.printk(gpu, KERN_ERR);
      return;
    }
    if (msix) ['config', 'control', 'cursor'].forEach((q, i) => k.requestIrq(msix[i].hwirq, `${name}-${q}`, () => gpu.handleIrq()));
    else if (t.irq !== undefined) k.requestIrq(t.irq, name, () => gpu.handleIrq());
    for (const line of gpu.featureLines()) k.klog.printk(line);
    k.klog.printk(`[drm] number of scanouts: ${gpu.numScanouts}`);
    k.klog.printk(`[drm] number of cap sets: ${gpu.numCapsets}`);
    const minor = list.length;
    k.klog.printk(`[drm] Initialized virtio_gpu 0.1.0 0 for ${name} on minor ${minor}`);
    const { mode, modes } = pickMode(gpu);
    const fb = Framebuffer.create(gpu, { ram: k.machine.ram, allocFrame: () => k.frames.alloc(), after: (ns, fn) => void k.machine.scheduler.scheduleAfter(ns, fn, `fb${minor} deferred io`) }, 0, mode, modes);
    if (typeof fb === 'string') {
      k.klog.printk(`virtio_gpu ${name}: [drm] *ERROR* ${fb}`, KERN_ERR);
      return;
    }
    list.push({ gpu, fb, virtioName: name });
    k.devices.set(makeDev(FB_MAJOR, minor), (_t, flags, path) => new OpenFile(fbFileOps(fb), flags, path));
    k.klog.printk(`virtio_gpu ${name}: [drm] fb${minor}: ${FB_ID} frame buffer device`);
  });
}

function pickMode(gpu: VirtioGpuDriver): { mode: EdidMode; modes: EdidMode[] } {
  const edid = gpu.edid(0);
  const modes = typeof edid === 'number' ? [] : edidModes(edid);
  const info = gpu.displayInfo();
  const head = typeof info === 'number' ? undefined : info[0];
  if (head && head.enabled && head.rect.width > 0 && head.rect.height > 0) {
    const known = modes.find((m) => m.widthPx === head.rect.width && m.heightPx === head.rect.height);
    const mode = known ?? { widthPx: head.rect.width, heightPx: head.rect.height, widthMm: 0, heightMm: 0 };
    return { mode, modes: known ? modes : [mode, ...modes] };
  }
  return { mode: modes[0] ?? FALLBACK_MODE, modes };
}

/** /dev/fbN nodes for devtmpfs (0660 root:video on Debian; devtmpfs itself makes them 0600). */
export function addFbNodes(k: Kernel, vfs: Vfs, devRoot: FsNode): void {
  displaysOf(k).forEach((_d, i) => {
    const name = `fb${i}`;
    if (devRoot.children!.has(name)) return;
    vfs.createNode(devRoot, name, 'chr', 0o600).rdev = makeDev(FB_MAJOR, i);
  });
}

/** /sys/class/graphics/fbN with name, virtual_size, bits_per_pixel, stride, dev and modes. */
export function addSysGraphics(k: Kernel, sysRoot: FsNode): void {
  const cls = sysRoot.children?.get('class');
  const list = displaysOf(k);
  if (!cls || list.length === 0) return;
  const graphics = cls.children!.get('graphics') ?? k.vfs.createNode(cls, 'graphics', 'dir', 0o755);
  list.forEach(({ fb }, i) => {
    const dir = k.vfs.createNode(graphics, `fb${i}`, 'dir', 0o755);
    const attr = (name: string, gen: () => string) => {
      k.vfs.createNode(dir, name, 'file', 0o444).generate = () => gen() + '\n';
    };
    attr('name', () => FB_ID);
    attr('virtual_size', () => `${fb.widthPx},${fb.heightPx}`);
    attr('bits_per_pixel', () => '32');
    attr('stride', () => String(fb.strideBytes));
    attr('dev', () => `${FB_MAJOR}:${i}`);
    attr('modes', () => fb.modes.map((m) => `U:${m.widthPx}x${m.heightPx}p-0`).join('\n'));
  });
}
