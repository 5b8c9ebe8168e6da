import { describe, it, expect } from 'vitest';
import { runInferenceBench } from './bench';

describe('runInferenceBench', () => {
  it('measures twinbox on the seeded model and labels the row', async () => {
    let ms = 0;
    const r = await runInferenceBench({
      shape: { dim: 64, heads: 4, kvHeads: 2, ffnDim: 64, layers: 1, type: 'q4_0' },
      promptTokens: 8, genTokens: 2, withLlamaCpp: false, nowMs: () => (ms += 5),
    });
    expect(r.model).toMatch(/^llama 1x64 q4_0 \(0\.\d MiB\), pp8 tg2$/);
    expect(r.llamaCpp).toBeNull();
    expect(r.twinbox).toMatchObject({ promptTokens: 8, genTokens: 2, ppMs: 5, tgMs: 5 });
  });
});
