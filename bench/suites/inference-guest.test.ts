import { describe, it, expect } from 'vitest';
import { guestInferenceCase } from './inference-guest';

describe('inference-guest bench case', () => {
  it('reports virtual pp/tg tokens/s of the guest and the wall cost of simulating them', async () => {
    const figs = await guestInferenceCase.measure({ quick: true });
    expect(figs.map((f) => f.name)).toEqual(['guest llama-bench q8_0 pp64', 'guest llama-bench q8_0 tg16', 'guest inference simulated per wall second']);
    for (const f of figs) expect(f.value).toBeGreaterThan(0);
    // Batched prompts are compute-bound and far faster per token than memory-bound generation.
    expect(figs[0]!.value).toBeGreaterThan(figs[1]!.value * 2);
  });
});
