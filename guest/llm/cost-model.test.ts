import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_HOST_CPU, bytesPerNsPerThread, flopsPerNsPerThread, forwardWork, matmulParams, parseHostCpu, shareNs,
  type HostCpu, type ModelFootprint,
} from './cost-model';
import type { LlamaConfig } from './model';
import { loadProfile } from '../../emulator/machine/description/profile';

const I7: HostCpu = {
  model: 'i7', cores: 4, threadsPerCore: 2, ghz: 3.6, flopsPerCycle: 32, memoryBandwidthGbs: 40,
  coreBandwidthGbs: 14, smtYield: 0.15, jitter: 0,
};
const CFG: LlamaConfig = {
  dim: 256, layers: 4, heads: 8, kvHeads: 4, headDim: 32, ffnDim: 768, vocabSize: 260, contextLength: 512,
  ropeDims: 32, ropeFreqBase: 10000, rmsEps: 1e-5,
};
const FP: ModelFootprint = { sizeBytes: 3_400_000, params: 3_200_000, streamedBytes: 3_390_000, embeddingRowBytes: 272 };

/** Wall time of a step when T threads each run their share at once (on T vCPUs). */
const stepNs = (cpu: HostCpu, w: { flops: number; bytes: number }, t: number) => shareNs(w, cpu, t);

describe('cost model', () => {
  it('counts 2 FLOPs per weight multiply-add and streams the weights once per batch', () => {
    const one = forwardWork(CFG, FP, 1, 0);
    expect(matmulParams(CFG)).toBe(4 * (2 * 256 * 256 + 2 * 256 * 128 + 3 * 256 * 768) + 256 * 260);
    expect(one.flops).toBe(2 * matmulParams(CFG) + 4 * 4 * 8 * 32 * 1);
    const batch = forwardWork(CFG, FP, 512, 0);
    // The batch reads the weights once: far fewer bytes per token than 512 single passes.
    expect(batch.bytes).toBeLessThan(one.bytes * 2 + 512 * 2 * 2 * 4 * 128 * 2);
    expect(forwardWork(CFG, FP, 0, 5)).toEqual({ flops: 0, bytes: 0 });
  });

  it('prompt processing is compute-bound, generation memory-bound', () => {
    const pp = forwardWork(CFG, FP, 512, 0), tg = forwardWork(CFG, FP, 1, 512);
    const t = 4;
    expect(pp.flops / t / flopsPerNsPerThread(I7, t)).toBeGreaterThan(pp.bytes / t / bytesPerNsPerThread(I7, t));
    expect(tg.bytes / t / bytesPerNsPerThread(I7, t)).toBeGreaterThan(tg.flops / t / flopsPerNsPerThread(I7, t));
  });

  it('more threads are never slower, up to the logical CPUs (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 1, max: 1e10 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (cores, tpc, flops, bytes, smtYield) => {
        const cpu = { ...I7, cores, threadsPerCore: tpc, smtYield };
        const w = { flops, bytes };
        for (let t = 1; t < cores * tpc; t++) expect(stepNs(cpu, w, t + 1)).toBeLessThanOrEqual(stepNs(cpu, w, t) * (1 + 1e-12));
      },
    ));
  });

  it('more cores never make a step slower (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 1e11 }), fc.integer({ min: 1, max: 1e9 }), (cores, t, flops, bytes) => {
      const w = { flops, bytes };
      expect(stepNs({ ...I7, cores: cores + 1 }, w, t)).toBeLessThanOrEqual(stepNs({ ...I7, cores }, w, t) * (1 + 1e-12));
    }));
  });

  it('memory-bound generation scales with bandwidth: twice the bandwidth, half the time', () => {
    const tg = forwardWork(CFG, FP, 1, 100);
    const fast = { ...I7, memoryBandwidthGbs: 80, coreBandwidthGbs: 28 };
    expect(stepNs(I7, tg, 4) / stepNs(fast, tg, 4)).toBeCloseTo(2, 6);
    // ...and saturates: past the bandwidth limit more threads stop helping.
    expect(stepNs(I7, tg, 4)).toBeCloseTo(stepNs(I7, tg, 3), 6);
  });

  it('SMT siblings add only the SMT yield to a compute-bound step', () => {
    const pp = forwardWork(CFG, FP, 512, 0);
    const ratio = stepNs(I7, pp, 4) / stepNs(I7, pp, 8);
    expect(ratio).toBeCloseTo(1.15, 6);
  });

  it('the AI-OS profiles load and give the i7 timing model', () => {
    for (const file of ['ai-os-i7.yaml', 'ai-os-i7-volume.yaml']) {
      const p = loadProfile(new URL(`../../profiles/${file}`, import.meta.url).pathname);
      if (!p.ok) throw new Error(p.error);
      expect(p.value.smp).toBe(12);
      expect(parseHostCpu(p.value.extra['host-cpu'], p.value.smp)).toMatchObject({ cores: 6, threadsPerCore: 2, ghz: 4.3, flopsPerCycle: 32, smtYield: -0.05 });
    }
  });

  it('reads host-cpu from a profile mapping, and refuses bad values', () => {
    const cpu = parseHostCpu({ model: 'x', cores: 4, 'threads-per-core': 2, ghz: 3.6, 'flops-per-cycle': 32, 'memory-bandwidth-gbs': 40 });
    expect(cpu).toMatchObject({ model: 'x', cores: 4, threadsPerCore: 2, ghz: 3.6, flopsPerCycle: 32, memoryBandwidthGbs: 40 });
    expect(parseHostCpu(undefined, 2)).toEqual({ ...DEFAULT_HOST_CPU, cores: 2 });
    expect(parseHostCpu({ cores: 0 })).toMatch(/cores must be/);
    expect(parseHostCpu({ cores: 2.5 })).toMatch(/integer/);
    expect(parseHostCpu({ ghz: 'fast' })).toMatch(/ghz/);
    expect(parseHostCpu([1])).toMatch(/mapping/);
  });
});
