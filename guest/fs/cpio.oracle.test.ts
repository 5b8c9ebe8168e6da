import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitCpio } from './cpio';

// GNU cpio (Debian package cpio) is the oracle for the newc format the initramfs uses.
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const NONE = new Uint8Array(0);

const enc = new TextEncoder();

describe('cpio newc', () => {
  it('is read back by GNU cpio exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinbox-cpio-'));
    const archive = join(dir, 'x.cpio');
    writeFileSync(archive, emitCpio([
      { name: 'bin', mode: S_IFDIR | 0o755, data: NONE },
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
