// Turns the determinism rule into a check: simulated code (emulator/, devices/, guest/, and hw/,
// whose tools also run inside the guest) must not read the wall clock, use host randomness or
// host timers. Time comes from the EventScheduler, randomness from a Prng fork. Tests and
// benchmarks may measure wall time; they are excluded.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SIMULATED = ['emulator', 'devices', 'guest', 'hw'];
/** Host-facing code that legitimately talks to the real world (real QEMU, files on the host). */
const HOST_SIDE = [/^emulator\/backends\/qemu\//, /\/bench\.ts$/, /\.test\.ts$/, /\/testing\//];
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\s*\(\s*\)/, 'new Date()'],
  // Formatting a given time is fine, but only in UTC: local-time getters depend on the host's time zone.
  [/\.(getFullYear|getMonth|getDate|getDay|getHours|getMinutes|getSeconds|getTimezoneOffset)\s*\(/, 'host time zone'],
  [/\.toLocale\w*\s*\(/, 'host locale'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bsetTimeout\s*\(/, 'setTimeout()'],
  [/\bsetInterval\s*\(/, 'setInterval()'],
  [/\bsetImmediate\s*\(/, 'setImmediate()'],
  [/\bcrypto\.(randomBytes|randomUUID|getRandomValues)\b/, 'host randomness'],
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('tidy: simulated code is deterministic by construction', () => {
  it('never reads the wall clock, host randomness or host timers', () => {
    const violations: string[] = [];
    for (const top of SIMULATED) {
      for (const file of sources(join(ROOT, top))) {
        const rel = relative(ROOT, file);
        if (HOST_SIDE.some((re) => re.test(rel))) continue;
        const lines = stripComments(readFileSync(file, 'utf8')).split('\n');
        lines.forEach((line, i) => {
          for (const [re, what] of FORBIDDEN) if (re.test(line)) violations.push(`${rel}:${i + 1}: ${what}`);
        });
      }
    }
    expect(violations).toEqual([]);
  });

  it('the checker itself catches a violation', () => {
    const sample = 'const t = Date.now(); // fine in a comment: Math.random()';
    const hits = FORBIDDEN.filter(([re]) => re.test(stripComments(sample))).map(([, w]) => w);
    expect(hits).toEqual(['Date.now()']);
  });
});
