import { describe, expect, it } from 'vitest';
import { buildInitramfs, initScript } from './initramfs';
import { modinfoField, moduleName } from './modules';

const enc = new TextEncoder();

describe('initramfs', () => {
  const input = {
    busybox: enc.encode('\x7fELF fake'),
    kernelRelease: '6.12.0-test',
    modules: [
      { name: 'virtio_mmio', path: 'x', bytes: enc.encode('ko1') },
      { name: 'vfio_pci', path: 'y', bytes: enc.encode('ko2') },
    ],
    moduleParams: { vfio_pci: 'ids=10de:2484' },
  };

  it('loads modules in the given (dependency) order with their parameters, then starts a shell with a controlling tty', () => {
    const s = initScript(input);
    expect(s.indexOf('insmod /lib/modules/6.12.0-test/virtio_mmio.ko')).toBeLessThan(s.indexOf('vfio_pci.ko ids=10de:2484'));
    expect(s).toContain('mount -t proc proc /proc');
    expect(s).toContain('setsid cttyhack /bin/sh');
    expect(s.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('packs /init, busybox, /dev/console and the modules', () => {
    const text = Buffer.from(buildInitramfs(input)).toString('latin1');
    for (const name of ['init\0', 'bin/busybox\0', 'dev/console\0', 'lib/modules/6.12.0-test/vfio_pci.ko\0']) expect(text).toContain(name);
  });
});

describe('kernel module helpers', () => {
  it('names modules as the kernel does', () => {
    expect(moduleName('/x/vfio-pci-core.ko.xz')).toBe('vfio_pci_core');
  });

  it('reads .modinfo fields', () => {
    const ko = enc.encode('junk\0license=GPL\0depends=vfio,vfio-pci-core\0name=vfio_pci\0');
    expect(modinfoField(ko, 'depends')).toBe('vfio,vfio-pci-core');
    expect(modinfoField(ko, 'nothing')).toBeUndefined();
  });
});
