import { describe, it, expect } from 'vitest';
import { runInit } from '../testing/run';
import { EAGAIN, EEXIST, ENOENT, ENOEXEC, EPERM } from './errno';
import { modinfo, parseModuleParams, procModules, registerKernelModule } from './modules';

/** A relocatable AArch64 ELF with a .modinfo-style string table (what load_module reads). */
function fakeKo(fields: Record<string, string>, machine = 183, type = 1): Uint8Array {
  const info = Object.entries(fields).map(([k, v]) => `${k}=${v}\0`).join('');
  const b = new Uint8Array(64 + 1 + info.length);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  const d = new DataView(b.buffer);
  d.setUint16(16, type, true);
  d.setUint16(18, machine, true);
  b.set(new TextEncoder().encode(info), 65);
  return b;
}

describe('kernel modules', () => {
  it('reads .modinfo fields and module parameters', () => {
    const ko = fakeKo({ license: 'GPL', name: 'virtio_blk', depends: 'virtio,virtio_ring' });
    expect(modinfo(ko, 'name')).toBe('virtio_blk');
    expect(modinfo(ko, 'depends')).toBe('virtio,virtio_ring');
    expect(modinfo(ko, 'vermagic')).toBeUndefined();
    expect([...parseModuleParams('ids=10de:2684,10de:22ba nointxmask disable-vga="1 2"')]).toEqual([
      ['ids', '10de:2684,10de:22ba'], ['nointxmask', ''], ['disable_vga', '1 2'],
    ]);
  });

  it('init_module/finit_module load modelled modules in dependency order; delete_module unloads; /proc/modules lists them', () => {
    const got: number[] = [];
    const seen: string[] = [];
    registerKernelModule('vfio-pci', { init: (_k, params) => (seen.push(params.get('ids') ?? ''), 0) });
    const r = runInit(function* (u) {
      const load = function* (ko: Uint8Array, params = '') {
        return yield* u.sys('init_module', u.bytes(ko), ko.length, u.cstr(params));
      };
      const blk = fakeKo({ name: 'virtio_blk', depends: 'virtio' });
      got.push(yield* load(blk));
      got.push(yield* load(fakeKo({ name: 'virtio', depends: '' })));
      const fd = yield* u.sys('openat', -100, u.cstr('/virtio_blk.ko'), 0o102, 0o644);
      yield* u.sys('write', fd, u.bytes(blk), blk.length);
      got.push(yield* u.sys('finit_module', fd, u.cstr(''), 0));
      got.push(yield* u.sys('finit_module', fd, u.cstr(''), 0));
      got.push(yield* load(fakeKo({ name: 'vfio-pci', depends: '' }), 'ids=10de:2684'));
      got.push(yield* load(fakeKo({ name: 'nvidia', depends: '' })));
      got.push(yield* load(fakeKo({ name: 'virtio_net' }, 62)));
      got.push(yield* load(new TextEncoder().encode('not an ELF file at all, just text padding it out to 64+ bytes....')));
      got.push(yield* u.sys('delete_module', u.cstr('virtio'), 0));
      got.push(yield* u.sys('delete_module', u.cstr('virtio_blk'), 0));
      got.push(yield* u.sys('delete_module', u.cstr('virtio_blk'), 0));
      yield* u.sys('setuid', 1000);
      got.push(yield* load(fakeKo({ name: 'virtio_blk' })));
    });
    expect(got).toEqual([-ENOENT, 0, 0, -EEXIST, 0, -ENOEXEC, -ENOEXEC, -ENOEXEC, -EAGAIN, 0, -ENOENT, -EPERM]);
    expect(seen).toEqual(['10de:2684']);
    expect(procModules(r.kernel)).toBe('vfio_pci 4096 0 - Live 0x0000000000000000\nvirtio 4096 0 - Live 0x0000000000000000\n');
    expect(r.kernel.klog.text()).toContain('nvidia: twinbox does not model this module');
    expect(r.kernel.klog.text()).toContain('virtio_blk: Unknown symbol (module virtio is not loaded)');
  });
});
