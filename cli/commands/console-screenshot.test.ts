import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodePng } from '../../devices/virtio/gpu/png-read';
import { consoleCommand } from './console';

async function run(args: string[], input: string, screenshotDir: string) {
  let stderr = '';
  const out: Buffer[] = [];
  const code = await consoleCommand(args, { backend: 'sim', seed: '1', screenshotDir }, {
    stdin: Readable.from([Buffer.from(input)]),
    stdout: { write: (b: Uint8Array | string) => out.push(Buffer.from(b)) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stderr, stdout: Buffer.concat(out).toString('utf8') };
}

describe('twinbox console --screenshot-dir', () => {
  it('writes the display to DIR/poweroff.png when the guest powers off', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'twinbox-cshot-')), 'shots');
    const r = await run(['-M', 'q35', '-device', 'virtio-gpu-pci'], 'system1 -n 1\npoweroff -f\n', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('System 1 initialized');
    expect(r.stderr).toBe(`twinbox console: screenshot written to ${join(dir, 'poweroff.png')}\n`);
    const png = decodePng(new Uint8Array(readFileSync(join(dir, 'poweroff.png'))));
    expect([png.widthPx, png.heightPx]).toEqual([1024, 768]);
    expect([...png.rgb.subarray((2 * 1024 + 1000) * 3, (2 * 1024 + 1000) * 3 + 3)]).toEqual([0x20, 0x50, 0xa0]);
  });

  it('says why there is none on a machine without a display, and still exits 0', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'twinbox-cshot-')), 'shots');
    const r = await run(['-M', 'virt'], 'poweroff -f\n', dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^twinbox console: no screenshot: screenshot: the machine has no display 0/);
    expect(existsSync(join(dir, 'poweroff.png'))).toBe(false);
  });
});
