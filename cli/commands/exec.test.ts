import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A64, insnAddr, tinyElf } from '../../guest/testing/tiny-elf';
import type { UserModeIo } from '../../guest/kernel/user-mode';
import { execCommand, guestPathFor, programPath } from './exec';

const enc = (s: string) => new TextEncoder().encode(s);

/** write(1, msg); then exit_group(code) — or a load from address 0 when `fault`. */
function program(msg: string, code: number, fault = false): Uint8Array {
  return tinyElf((data) => {
    const p = [A64.movz(0, 1), A64.adr(1, data - insnAddr(1)), A64.movz(2, msg.length), A64.movz(8, 64), A64.svc()];
    if (fault) p.push(0xf9400000); // ldr x0, [x0] with x0 = bytes written, an unmapped address
    p.push(A64.movz(0, code), A64.movz(8, 94), A64.svc());
    return p;
  }, enc(msg));
}

/** Reads up to 64 bytes of stdin, writes them to a new file "copy" in the working directory, exits 0. */
function buildCopy(): Uint8Array {
  const name = enc('copy\0\0\0\0');
  const buf = new Uint8Array(64);
  const data = new Uint8Array(name.length + buf.length);
  data.set(name);
  return tinyElf((d) => {
    const p: number[] = [];
    const at = () => p.length;
    p.push(A64.movz(0, 0), A64.adr(1, d + 8 - insnAddr(at() + 1)), A64.movz(2, 64), A64.movz(8, 63), A64.svc());
    p.push(0xaa0003e9); // mov x9, x0
    // openat(AT_FDCWD, "copy", O_WRONLY|O_CREAT|O_TRUNC, 0644)
    p.push(0x92800c60); // movn x0, #99 -> x0 = -100
    p.push(A64.adr(1, d - insnAddr(at())), A64.movz(2, 0o1101), A64.movz(3, 0o644), A64.movz(8, 56), A64.svc());
    // write(fd, buf, n)
    p.push(A64.adr(1, d + 8 - insnAddr(at())), 0xaa0903e2 /* mov x2, x9 */, A64.movz(8, 64), A64.svc());
    p.push(A64.movz(0, 0), A64.movz(8, 94), A64.svc());
    return p;
  }, data, 7);
}

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'twinbox-exec-')));
  mkdirSync(join(root, 'bin'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function io(stdin = ''): UserModeIo & { out: string[]; err: string[] } {
  let input = enc(stdin);
  const out: string[] = [], err: string[] = [];
  const dec = new TextDecoder();
  return {
    out, err,
    stdin: (n) => {
      const chunk = input.subarray(0, n);
      input = input.subarray(chunk.length);
      return chunk.slice();
    },
    stdout: (b) => out.push(dec.decode(b)),
    stderr: (b) => err.push(dec.decode(b)),
  };
}

describe('twinbox exec', () => {
  it('runs a static AArch64 program with stdout and the exit status passed through', () => {
    writeFileSync(join(root, 'bin', 'hi'), program('hi there\n', 3), { mode: 0o755 });
    const s = io();
    const r = execCommand({ program: 'bin/hi', args: ['x'], opts: {}, io: s, cwd: root, env: [] });
    expect(s.out.join('')).toBe('hi there\n');
    expect(r.exitCode).toBe(3);
    expect(r.result?.stop).toBe('exited');
  });

  it('a root with /proc and /dev directories gets the kernel\'s procfs and devtmpfs there, never written back', () => {
    mkdirSync(join(root, 'proc'));
    mkdirSync(join(root, 'dev'));
    writeFileSync(join(root, 'bin', 'hi'), program('hi\n', 0), { mode: 0o755 });
    const r = execCommand({ program: 'bin/hi', args: [], opts: {}, io: io(), cwd: root, env: [] });
    expect(r.result?.kernel.vfs.mounts.map((m) => `${m.fstype} ${m.target}`)).toEqual(['hostfs /', 'proc /proc', 'devtmpfs /dev']);
    expect(readdirSync(join(root, 'proc'))).toEqual([]);
    expect(readdirSync(join(root, 'dev'))).toEqual([]);
  });

  it('a program killed by a signal exits 128 + the signal, as with qemu-aarch64', () => {
    writeFileSync(join(root, 'bin', 'crash'), program('x', 0, true), { mode: 0o755 });
    const r = execCommand({ program: './bin/crash', args: [], opts: { root }, io: io(), cwd: root, env: [] });
    expect(r.exitCode).toBe(128 + 11);
  });

  it('stdin is passed in, and files the program creates land in the root directory', () => {
    writeFileSync(join(root, 'bin', 'copy'), buildCopy(), { mode: 0o755 });
    const r = execCommand({ program: 'bin/copy', args: [], opts: { root }, io: io('piped input\n'), cwd: root, env: [] });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(root, 'copy'), 'utf8')).toBe('piped input\n');
  });

  it('reports a missing program, one outside the root, and a bad seed, without throwing', () => {
    const s = io();
    expect(execCommand({ program: 'bin/none', args: [], opts: {}, io: s, cwd: root, env: [] }).exitCode).toBe(127);
    expect(s.err.join('')).toContain('ENOENT');
    expect(execCommand({ program: '/etc/hostname', args: [], opts: { root }, io: s, cwd: root, env: [] }).exitCode).toBe(2);
    expect(execCommand({ program: 'x', args: [], opts: { seed: 'abc' }, io: s, cwd: root, env: [] }).exitCode).toBe(2);
  });

  it('maps host paths to guest paths under the root', () => {
    expect(guestPathFor('/r', '/r')).toBe('/');
    expect(guestPathFor('/r', '/r/a/b')).toBe('/a/b');
    expect(guestPathFor('/r', '/other')).toBeUndefined();
    expect(programPath('/r', '/r/sub', 'prog')).toBe('/sub/prog');
  });
});
