// The real Debian .ko files the assets' initramfs carries (tools/assets: `twinbox assets fetch`)
// load through finit_module in the order its /init runs insmod, and /proc/modules lists them.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assetPaths } from '../../tools/assets/fetch';
import { parseCpio } from '../fs/cpio';
import { runInit } from '../testing/run';
import { procModules } from './modules';

const INITRD = assetPaths('aarch64').initrd;

function realModules(): Array<{ name: string; data: Uint8Array }> {
  const parsed = parseCpio(gunzipSync(readFileSync(INITRD)));
  if (!parsed.ok) throw new Error(`initramfs: ${parsed.error}`);
  const init = new TextDecoder().decode(parsed.entries.find((e) => e.name === 'init')!.data);
  const kos = parsed.entries.filter((e) => e.name.endsWith('.ko'));
  // The order /init loads them in (dependencies first).
  const order = [...init.matchAll(/insmod (\S+\.ko)/g)].map((m) => m[1]!.replace(/^\//, ''));
  return order.map((path) => kos.find((e) => e.name === path)).filter((e) => e !== undefined)
    .map((e) => ({ name: e.name.split('/').pop()!.replace(/\.ko$/, ''), data: e.data }));
}

describe('real kernel modules', () => {
  it('the assets initramfs exists (twinbox assets fetch)', () => {
    expect(existsSync(INITRD)).toBe(true);
  });

  it.skipIf(!existsSync(INITRD))('finit_module accepts the Debian .ko files twinbox models', () => {
    const mods = realModules();
    expect(mods.length).toBeGreaterThan(0);
    const results: number[] = [];
    const r = runInit(function* (u) {
      for (const m of mods) {
        const fd = yield* u.sys('openat', -100, u.cstr(`/${m.name}.ko`), 0o102, 0o644);
        yield* u.sys('write', fd, u.bytes(m.data), m.data.length);
        results.push(yield* u.sys('finit_module', fd, u.cstr(''), 0));
        yield* u.sys('close', fd);
      }
    });
    expect(results).toEqual(mods.map(() => 0));
    const listed = procModules(r.kernel).split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort();
    expect(listed).toEqual(mods.map((m) => m.name.replace(/-/g, '_')).sort());
  });
});
