import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { sh } from '../testing/harness';
import { ORACLE_CASES } from './oracle-cases';
import answers from './oracle-answers.json';

// Needs Debian's busybox-static on PATH: re-runs every case in the real BusyBox ash and
// checks both our answer and the captured answers the unit tests use.
function busybox(script: string): string {
  try {
    return execFileSync('sh', ['-c', 'busybox sh -c "$1" 2>&1', '_', script], { encoding: 'utf8', cwd: '/', env: { PATH: '/bin:/usr/bin', HOME: '/' } });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
}

describe('sh against busybox sh', () => {
  for (const c of ORACLE_CASES) {
    it(c.replace(/\n/g, '\\n'), () => {
      const real = busybox(c);
      expect((answers as Record<string, string>)[c]).toBe(real);
      expect(sh(c).out).toBe(real);
    });
  }
});
