import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh } from '../testing/harness';
import { APPLET_CASES, ORACLE_FILES } from './oracle-cases';
import answers from './oracle-answers.json';

// Needs Debian's busybox-static: every case runs in real BusyBox (applets first on PATH)
// in a fresh directory holding ORACLE_FILES, and in the native userland.
function busyboxPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bbbin-'));
  const list = execFileSync('busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const bin = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p)) ?? 'busybox';
  for (const a of list) symlinkSync(bin, join(dir, a));
  return dir;
}

describe('applets against busybox', () => {
  const path = busyboxPath();
  const files = Object.fromEntries(Object.entries(ORACLE_FILES).map(([k, v]) => [`/w/${k}`, v]));
  for (const c of APPLET_CASES) {
    it(c, () => {
      const dir = mkdtempSync(join(tmpdir(), 'applet-'));
      mkdirSync(dir, { recursive: true });
      for (const [k, v] of Object.entries(ORACLE_FILES)) writeFileSync(join(dir, k), v);
      let real: string;
      try {
        real = execFileSync('sh', ['-c', 'cd "$2" && busybox sh -c "$1" 2>&1', '_', c, dir], { encoding: 'utf8', env: { PATH: path, HOME: '/' } });
      } catch (e) {
        real = String((e as { stdout?: string }).stdout ?? '');
      }
      expect((answers as Record<string, string>)[c]).toBe(real);
      expect(sh(`cd /w; ${c}`, { files }).out).toBe(real);
    });
  }
});
