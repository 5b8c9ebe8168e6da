import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hwCommand } from './hw';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-cli-hw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = new URL('../../', import.meta.url).pathname;

async function hw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await hwCommand(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: ROOT });
  return { code, out, err };
}

describe('twinbox hw (host CLI)', () => {
  it('scans a simulated machine given by profile or by QEMU arguments', async () => {
    const p = await hw('scan', '--profile', 'profiles/neuronos-dual-gpu.yaml');
    expect(p.code).toBe(0);
    expect(p.out).toContain('Recommended for passthrough: 0000:01:00.0');
    const m = await hw('iommu', '--json', '--machine', '-M q35 -device intel-iommu -device VGA -append intel_iommu=on');
    expect(m.code).toBe(0);
    expect((JSON.parse(m.out) as { enabled: boolean }).enabled).toBe(true);
  });

  it('exports the sysfs, reads it back with --sysfs, and applies vfio-config to a target root', async () => {
    const tree = join(dir, 'sys');
    const e = await hw('export-sysfs', tree, '--profile', 'profiles/neuronos-dual-gpu.yaml');
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/^exported \d+ directories, \d+ files, \d+ links to /);
    const target = join(dir, 'target');
    mkdirSync(join(target, 'boot/loader/entries'), { recursive: true });
    writeFileSync(join(target, 'boot/loader/entries/arch.conf'), 'title Arch Linux\noptions root=/dev/nvme0n1p3 rw\n');
    const a = await hw('vfio-config', '--sysfs', tree, '--cpu-vendor', 'amd', '--target-root', target, '--apply');
    expect(a.code).toBe(0);
    expect(readFileSync(join(target, 'boot/loader/entries/arch.conf'), 'utf8')).toBe('title Arch Linux\noptions root=/dev/nvme0n1p3 rw amd_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b\n');
    expect(readFileSync(join(target, 'etc/modprobe.d/vfio.conf'), 'utf8')).toContain('options vfio-pci ids=10de:2484,10de:228b\n');
  });

  it('captures a tree and imports the dump; reports usage errors with status 2', async () => {
    const tree = join(dir, 'sys2');
    await hw('export-sysfs', tree, '--profile', 'profiles/neuronos-dual-gpu.yaml');
    const c = await hw('capture', '--sysfs', tree);
    expect(c.code).toBe(0);
    writeFileSync(join(dir, 'cap.yaml'), c.out);
    const i = await hw('import', join(dir, 'cap.yaml'));
    expect(i.code).toBe(0);
    expect(i.out).toContain('  - { driver: "host-nvidia-rtx3070", bus: "br-00-01-0", addr: "0.0", multifunction: true }');
    expect((await hw('import', join(dir, 'missing.yaml'))).code).toBe(1);
    expect((await hw('scan', '--machine', '-M q35', '--profile', 'x.yaml')).err).toBe('twinbox hw: give --machine or --profile, not both\n');
    expect((await hw('scan', '--machine', '-M pc')).code).toBe(2);
    expect((await hw('scan', '--sysfs')).err).toBe('twinbox hw: option --sysfs needs a value\n');
    expect((await hw('export-sysfs', join(dir, 'x'), '--profile', 'profiles/neuronos-dual-gpu.yaml', 'extra')).code).toBe(2);
    expect((await hw('export-sysfs', join(dir, 'y'))).err).toBe('twinbox hw: export-sysfs: give the simulated machine with --machine or --profile\n');
  });
});
