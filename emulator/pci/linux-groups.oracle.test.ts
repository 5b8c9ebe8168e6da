// Re-captures the real-Linux fixtures (fixtures/capture-linux-groups.sh: Debian's cloud kernel
// and static BusyBox under qemu-system-x86_64; capture-linux-groups-virt.sh for the
// qemu-system-aarch64 ones) and checks they still say what is committed.
// Needs Debian packages qemu-system-x86, cpio, and the kernel/BusyBox .debs (cached or fetched).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
const fixtures = readdirSync(here).filter((f) => f.endsWith('.linux.txt')).map((f) => f.replace(/\.linux\.txt$/, ''));

describe.skipIf(!hasQemu)('real-Linux IOMMU group fixtures', () => {
  it.each(fixtures)('%s re-captures identically', (name) => {
    const committed = readFileSync(join(here, `${name}.linux.txt`), 'utf8');
    const header = committed.split('\n')[0];
    // virt fixtures come from the arm64 kernel (capture-linux-groups-virt.sh needs qemu-system-arm and `twinbox assets fetch --arch aarch64`).
    const script = header.startsWith('# qemu-system-aarch64 ') ? 'capture-linux-groups-virt.sh' : 'capture-linux-groups.sh';
    const args = header.replace(/^# qemu-system-(x86_64|aarch64) /, '').split(/\s+/).filter((a) => a);
    const out = mkdtempSync(join(tmpdir(), 'twinbox-linux-'));
    execFileSync(join(here, script), [name, ...args], { env: { ...process.env, OUT_DIR: out }, timeout: 300_000 });
    expect(readFileSync(join(out, `${name}.linux.txt`), 'utf8')).toBe(committed);
  }, 320_000);
});
