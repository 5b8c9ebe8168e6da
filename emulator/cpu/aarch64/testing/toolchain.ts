// Test-time builds with the Debian cross toolchain and runs under qemu-aarch64 (oracle tests
// only). Outputs go to .cache/aarch64/ keyed by a hash of the source; nothing is committed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CACHE_DIR = join(process.cwd(), '.cache', 'aarch64');

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Why oracle tests must skip, or undefined when gcc, as, ld and qemu-aarch64 are all present. */
export function missingToolchain(): string | undefined {
  for (const t of ['aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-as', 'aarch64-linux-gnu-ld', 'qemu-aarch64']) {
    if (!has(t)) return `${t} not found (apt-get install qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross)`;
  }
  return undefined;
}

function cached(kind: string, source: string, keyExtra: string, build: (src: string, out: string) => void): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = createHash('sha256').update(kind).update(source).update(keyExtra).digest('hex').slice(0, 16);
  const out = join(CACHE_DIR, `${kind}-${key}`);
  if (!existsSync(out)) {
    const src = join(CACHE_DIR, `${kind}-${key}.${kind === 'c' ? 'c' : 's'}`);
    writeFileSync(src, source);
    build(src, out);
  }
  return out;
}

/** Assemble and link a freestanding program (entry `_start`). */
export function buildAsm(source: string): string {
  return cached('asm', source, '', (src, out) => {
    execFileSync('aarch64-linux-gnu-as', ['-o', `${out}.o`, src]);
    execFileSync('aarch64-linux-gnu-ld', ['-static', '-o', out, `${out}.o`]);
  });
}

/** Compile a static C program with glibc. */
export function buildC(source: string, flags: string[] = ['-O2']): string {
  return cached('c', source, flags.join(' '), (src, out) => {
    const libs = flags.filter((f) => f.startsWith('-l'));
    execFileSync('aarch64-linux-gnu-gcc', [...flags.filter((f) => !f.startsWith('-l')), '-static', '-o', out, src, ...libs]);
  });
}

export interface QemuRun {
  stdout: Buffer;
  status: number | null;
}

export function runQemu(path: string, args: string[] = [], cpu = 'cortex-a57', argv0?: string): QemuRun {
  const r = spawnSync('qemu-aarch64', ['-cpu', cpu, ...(argv0 ? ['-0', argv0] : []), path, ...args], { maxBuffer: 64 << 20 });
  return { stdout: r.stdout, status: r.status };
}

export function readBinary(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
