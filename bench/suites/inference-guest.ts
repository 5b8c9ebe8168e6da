// Inference inside the guest: llama-bench (guest/userland/ai) on the AI-OS i7 profile, the default
// `twinbox model make` model loaded from the initramfs. Figures: the guest's pp/tg tokens/s in
// virtual time (what the simulated i7 would do), and the wall cost of simulating them — tokens the
// host simulates per wall second, engine compute and kernel included — next to the `inference`
// case's host-engine figures.

import { loadProfile } from '../../emulator/machine/description/profile';
import { parseBenchTable } from '../../guest/userland/ai/bench-format';
import { bootAi } from '../../guest/userland/ai/testing';
import { DEFAULT_SHAPE, makeModel } from '../../tools/model/make';
import type { BenchCase, BenchFigure } from '../harness';

const PROFILE = new URL('../../profiles/ai-os-i7.yaml', import.meta.url).pathname;

export interface GuestBenchResult {
  rows: ReturnType<typeof parseBenchTable>;
  tokens: number;
  wallMs: number;
  virtualS: number;
}

export function runGuestBench(nowMs: () => number, prompt: number, gen: number, reps: number, threads: number): GuestBenchResult {
  const profile = loadProfile(PROFILE);
  if (!profile.ok) throw new Error(profile.error);
  const model = makeModel(DEFAULT_SHAPE);
  const t0 = nowMs();
  const r = bootAi({
    type: 'q35', description: profile.value, files: { '/models/default.gguf': model },
    input: [`llama-bench -m /models/default.gguf -p ${prompt} -n ${gen} -r ${reps} -t ${threads}\n`, 'poweroff\n'],
  });
  const wallMs = nowMs() - t0;
  const rows = parseBenchTable(r.output);
  if (rows.length !== 2) throw new Error(`guest llama-bench printed ${rows.length} rows:\n${r.output.slice(-2000)}`);
  // Warm-up passes included: min(p, 32) prompt tokens and one generated token.
  const tokens = (prompt + gen) * reps + Math.min(prompt, 32) + 1;
  return { rows, tokens, wallMs, virtualS: r.machine.scheduler.now / 1e9 };
}

export const guestInferenceCase: BenchCase = {
  name: 'inference-guest',
  quick: true,
  measure: ({ quick }) => {
    const prompt = quick ? 64 : 128, gen = quick ? 16 : 32, threads = 6;
    const r = runGuestBench(() => performance.now(), prompt, gen, quick ? 2 : 5, threads);
    const [pp, tg] = r.rows as [(typeof r.rows)[0], (typeof r.rows)[0]];
    const virt = (name: string, x: typeof pp): BenchFigure => ({
      name, value: x.mean, unit: 'tokens/s (virtual)', better: 'higher', note: `± ${x.sd.toFixed(2)}, i7-8700 profile, -t ${threads}`,
    });
    return [
      virt(`guest llama-bench q8_0 pp${prompt}`, pp),
      virt(`guest llama-bench q8_0 tg${gen}`, tg),
      {
        name: 'guest inference simulated per wall second', value: (r.tokens * 1000) / r.wallMs, unit: 'tokens/s', better: 'higher',
        note: `${r.tokens} tokens (boot included) in ${r.wallMs.toFixed(0)} ms wall for ${(r.virtualS * 1000).toFixed(1)} ms virtual`,
      },
    ];
  },
};
