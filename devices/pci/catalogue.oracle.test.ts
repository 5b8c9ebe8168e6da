// Re-captures the config-space fixtures from the installed qemu-system-x86_64 (Debian
// `qemu-system-x86`) and checks they are still what the committed fixtures say, so the
// catalogue test keeps comparing against the real thing (virt-root needs qemu-system-arm).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('./fixtures/', import.meta.url));
const hasQemu = (() => {
  try {
    execFileSync('qemu-system-x86_64', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasQemu)('QEMU config-space fixtures', () => {
  it.each(['q35-dual-display', 'q35-zoo', 'q35-virtio-vga', 'q35-libvirt-ports', 'virt-root'])('%s re-captures identically', (name) => {
    const committed = readFileSync(join(here, `${name}.config.txt`), 'utf8');
    const [qemu = '', ...args] = committed.split('\n')[0].replace(/^# /, '').split(/\s+/).filter((a) => a);
    const out = mkdtempSync(join(tmpdir(), 'twinbox-pci-'));
    const virt = qemu.includes('aarch64') ? { QEMU: qemu, ECAM_BASE: '0x4010000000' } : {};
    execFileSync(join(here, 'capture-qemu-config.sh'), [name, ...args], { env: { ...process.env, ...virt, OUT_DIR: out }, timeout: 120_000 });
    expect(readFileSync(join(out, `${name}.config.txt`), 'utf8')).toBe(committed);
  }, 150_000);
});
