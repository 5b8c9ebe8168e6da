import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitCpio, S_IFDIR, S_IFLNK, S_IFREG } from './cpio';

const enc = new TextEncoder();

describe('cpio newc', () => {
  it('lays out headers, names and data on 4-byte boundaries', () => {
    const bytes = emitCpio([{ name: 'a', mode: S_IFREG | 0o644, data: enc.encode('hi') }]);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    // header 110 + "a\0" = 112 (aligned), data 2 + pad 2, then the trailer header.
    expect(text.slice(112, 114)).toBe('hi');
    expect(text.slice(116, 122)).toBe('070701');
    expect(text).toContain('TRAILER!!!');
    expect(bytes.length % 4).toBe(0);
  });

  it('is read back by GNU cpio exactly', () => {
    let hasCpio = true;
    try {
      execFileSync('cpio', ['--version'], { stdio: 'ignore' });
    } catch {
      hasCpio = false;
    }
    if (!hasCpio) return expect.fail('GNU cpio is not installed (Debian package cpio); .ci/run installs it');
    const dir = mkdtempSync(join(tmpdir(), 'twinbox-cpio-'));
    const archive = join(dir, 'x.cpio');
    writeFileSync(archive, emitCpio([
      { name: 'bin', mode: S_IFDIR | 0o755 },
      { name: 'bin/tool', mode: S_IFREG | 0o755, data: enc.encode('#!/bin/sh\necho ok\n') },
      { name: 'bin/alias', mode: S_IFLNK | 0o777, data: enc.encode('tool') },
    ]));
    const out = join(dir, 'out');
    execFileSync('sh', ['-c', `mkdir -p ${out} && cd ${out} && cpio -id --quiet < ${archive}`]);
    expect(readFileSync(join(out, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho ok\n');
    expect(statSync(join(out, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(out, 'bin/alias'))).toBe('tool');
  });
});
