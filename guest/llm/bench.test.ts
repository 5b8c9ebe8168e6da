import { describe, it, expect } from 'vitest';
import { benchEngine, benchPrompt } from './bench';
import { loadLlamaFile } from './model';
import { DEFAULT_SHAPE, makeModel } from '../../tools/model/make';

describe('benchEngine', () => {
  const m = loadLlamaFile(makeModel({ ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 64, layers: 1 }));
  if (typeof m === 'string') throw new Error(m);

  it('times pp and tg with the clock it is given', () => {
    let ticks = 0;
    const r = benchEngine(m, { promptTokens: 16, genTokens: 4, nowMs: () => (ticks += 10) });
    if (typeof r === 'string') throw new Error(r);
    // Each phase sees one tick of 10 ms: 16 tokens / 10 ms and 4 tokens / 10 ms.
    expect(r).toMatchObject({ engine: 'twinbox', promptTokens: 16, genTokens: 4, ppMs: 10, tgMs: 10, ppTokensPerSec: 1600, tgTokensPerSec: 400 });
  });

  it('uses a fixed prompt of exactly the asked length, <s> first', () => {
    const p = benchPrompt(m, 40);
    expect(p).toHaveLength(40);
    expect(p[0]).toBe(1);
    expect(benchPrompt(m, 40)).toEqual(p);
  });

  it('refuses an empty run as a value', () => {
    expect(benchEngine(m, { promptTokens: 0, genTokens: 1, nowMs: () => 0 })).toMatch(/at least 1/);
  });
});
