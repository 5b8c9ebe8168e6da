// The C suite (tests/c/*.c, written for this project) against qemu-aarch64: each program is
// built with aarch64-linux-gnu-gcc -static -pthread at test time (cached in .cache/, never
// committed), copied into a fresh directory, and run there by `qemu-aarch64` and by
// `twinbox exec --root DIR`, with the same empty environment: same stdout, same exit status.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildC, missingToolchain } from '../../emulator/cpu/aarch64/testing/toolchain';
import { execCommand } from './exec';

const missing = missingToolchain();
const C_DIR = join(import.meta.dirname, '..', '..', 'tests', 'c');
/** Programs whose loops gcc vectorises get -O3, so the SIMD paths run. */
const OPT: Record<string, string> = { fp_simd: '-O3' };
const PROGRAMS = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

function compare(name: string): void {
  const built = buildC(readFileSync(join(C_DIR, `${name}.c`), 'utf8'), [OPT[name] ?? '-O2', '-pthread', '-lm']);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `twinbox-c-${name}-`)));
  try {
    copyFileSync(built, join(dir, name));
    const q = spawnSync('qemu-aarch64', ['-cpu', 'max', `./${name}`], { cwd: dir, env: {}, maxBuffer: 64 << 20 });
    const out: Uint8Array[] = [];
    const r = execCommand({
      program: `./${name}`, args: [], opts: { root: dir }, cwd: dir, env: [],
      io: { stdin: () => new Uint8Array(0), stdout: (b) => out.push(b), stderr: () => {} },
    });
    expect(Buffer.concat(out).toString('utf8')).toBe(q.stdout.toString('utf8'));
    // qemu-aarch64 dies of the guest's fatal signal; a shell would report 128 + its number.
    const qemuStatus = q.status ?? 128 + (q.signal ? constants.signals[q.signal] : 0);
    expect(r.exitCode).toBe(qemuStatus);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(missing !== undefined)('the C suite under twinbox exec and qemu-aarch64', () => {
  for (const name of PROGRAMS) it(name, () => compare(name));
});

describe('C suite prerequisites', () => {
  it('has the cross toolchain and qemu-aarch64, and the programs', () => {
    expect(missing).toBeUndefined();
    expect(PROGRAMS.length).toBeGreaterThanOrEqual(9);
  });
});

describe('dynamically linked programs (PT_INTERP)', () => {
  it('run through the sysroot\'s ld.so and libc like qemu-aarch64 -L', () => {
    expect(missing).toBeUndefined();
    const sysroot = '/usr/aarch64-linux-gnu/lib';
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'twinbox-dyn-')));
    try {
      const src = join(dir, 'dyn.c');
      writeFileSync(src, '#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { printf("dyn %s %zu\\n", c > 1 ? v[1] : "-", strlen(v[0])); return 7; }\n');
      const cc = spawnSync('aarch64-linux-gnu-gcc', ['-O2', '-o', join(dir, 'dyn'), src]);
      expect(cc.status, cc.stderr.toString()).toBe(0);
      mkdirSync(join(dir, 'lib'));
      for (const f of ['ld-linux-aarch64.so.1', 'libc.so.6']) copyFileSync(join(sysroot, f), join(dir, 'lib', f));
      const q = spawnSync('qemu-aarch64', ['-L', dir, './dyn', 'world'], { cwd: dir, env: {} });
      const out: Uint8Array[] = [];
      const r = execCommand({
        program: './dyn', args: ['world'], opts: { root: dir }, cwd: dir, env: [],
        io: { stdin: () => new Uint8Array(0), stdout: (b) => out.push(b), stderr: () => {} },
      });
      expect(Buffer.concat(out).toString('utf8')).toBe(q.stdout.toString('utf8'));
      expect(q.stdout.toString('utf8')).toBe('dyn world 5\n');
      expect(r.exitCode).toBe(q.status);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

