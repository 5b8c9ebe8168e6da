// The AI-OS benchmark plan as a property of the simulated machine: on the i7 profile, the tuned
// configuration (background services stopped, threads = physical cores, nice -10) beats the stock
// one (two CPU-hungry services, threads = logical CPUs) for both prompt processing and generation,
// and the figures are identical for the same seed. (ai-os-bench.yaml runs the same from a volume.)

import { describe, it, expect } from 'vitest';
import { loadProfile } from '../../emulator/machine/description/profile';
import { parseBenchTable } from '../../guest/userland/ai/bench-format';
import { bootAi } from '../../guest/userland/ai/testing';

const profile = loadProfile(new URL('../../profiles/ai-os-i7.yaml', import.meta.url).pathname);

function runPlan(seed: number) {
  if (!profile.ok) throw new Error(profile.error);
  const r = bootAi({
    type: 'q35', seed, description: profile.value,
    input: [
      'busyloop & busyloop & echo stock\n',
      'llama-bench -m /models/tiny.gguf -p 64 -n 16 -r 5 -t 12\n',
      'kill %1 %2; wait; echo tuned\n',
      'llama-bench -m /models/tiny.gguf -p 64 -n 16 -r 5 -t 6 --prio 2\n',
      'poweroff\n',
    ],
  });
  const rows = parseBenchTable(r.output);
  const pick = (threads: number, test: string) => rows.find((x) => x.threads === threads && x.test === test)!;
  return { stock: { pp: pick(12, 'pp64'), tg: pick(12, 'tg16') }, tuned: { pp: pick(6, 'pp64'), tg: pick(6, 'tg16') } };
}

describe('AI-OS: stock vs tuned on the simulated i7', () => {
  it('tuned beats stock for pp and tg; same seed, same figures', () => {
    const a = runPlan(1);
    expect(a.tuned.pp.mean).toBeGreaterThan(a.stock.pp.mean * 1.2);
    expect(a.tuned.tg.mean).toBeGreaterThan(a.stock.tg.mean * 1.2);
    expect(runPlan(1)).toEqual(a);
  });
});
