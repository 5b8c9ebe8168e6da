// How long inference work takes on the simulated machine's CPU: a roofline model. The engine's
// work is counted in floating-point operations and bytes of weights and K/V streamed from memory;
// the CPU described in the machine profile (`host-cpu`: cores, SMT, GHz, FLOPs per cycle, memory
// bandwidth) turns that into nanoseconds of virtual time. Pure functions: the kernel charges the
// result to the task that runs the work (guest/kernel/compute.ts).
//
//   time of one thread's share = max(flops / T / rate_T, bytes / T / bandwidth_T)
//   rate_T      = ghz · flops_per_cycle · smt_T  (smt_T = 1 while T <= cores; above that the
//                 siblings share a core's FMA units: cores · (1 + smt_yield) / T)
//   bandwidth_T = min(core_bandwidth, memory_bandwidth / T)   (GB/s = bytes per ns)
//
// So prompt processing (the weights read once for a whole batch) is compute-bound and scales with
// threads up to the physical cores; generation (all weights streamed for every token) is
// memory-bound and saturates once T cores together reach the memory bandwidth.

import type { GgufFile } from './gguf/types';
import { elementCount, tensorSizeBytes } from './gguf/types';
import type { LlamaConfig } from './model';

/** The simulated host CPU (machine profile `host-cpu`). */
export interface HostCpu {
  model: string;
  /** Physical cores. */
  cores: number;
  threadsPerCore: number;
  ghz: number;
  /** FP32 FLOPs per cycle per core (AVX2 with two FMA units: 2 × 8 lanes × 2 = 32). */
  flopsPerCycle: number;
  /** Whole-socket DRAM bandwidth. */
  memoryBandwidthGbs: number;
  /** What one core alone can pull from DRAM (its line-fill buffers limit it below the socket's). */
  coreBandwidthGbs: number;
  /** Throughput a second SMT sibling adds to a busy core (0.15 = 15 %; negative when siblings running
   *  AVX2 matrix code thrash each other's L1/L2, so the pair does less than one thread alone). */
  smtYield: number;
  /** Relative spread (uniform ±) of each compute step from caches, frequency and interrupts. */
  jitter: number;
}

/** A modest 2 GHz core with NEON-class SIMD, for machines whose profile names no host CPU. */
export const DEFAULT_HOST_CPU: HostCpu = {
  model: 'generic 2 GHz', cores: 1, threadsPerCore: 1, ghz: 2, flopsPerCycle: 8,
  memoryBandwidthGbs: 12, coreBandwidthGbs: 8, smtYield: 0, jitter: 0.01,
};

/** Work of one step: floating-point operations and bytes read from memory. */
export interface Work {
  flops: number;
  bytes: number;
}

const FIELDS: [keyof HostCpu, string, number, number][] = [
  ['cores', 'cores', 1, 1024], ['threadsPerCore', 'threads-per-core', 1, 8], ['ghz', 'ghz', 0.1, 10],
  ['flopsPerCycle', 'flops-per-cycle', 1, 1024], ['memoryBandwidthGbs', 'memory-bandwidth-gbs', 0.1, 10_000],
  ['coreBandwidthGbs', 'core-bandwidth-gbs', 0.1, 10_000], ['smtYield', 'smt-yield', -0.5, 1], ['jitter', 'jitter', 0, 0.5],
];

/** Reads a profile's `host-cpu` mapping (kebab-case keys); missing optional keys take defaults. */
export function parseHostCpu(value: unknown, smp = 1): HostCpu | string {
  if (value === undefined) return { ...DEFAULT_HOST_CPU, cores: Math.max(1, smp) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'host-cpu: must be a mapping';
  const v = value as Record<string, unknown>;
  const cpu: HostCpu = { ...DEFAULT_HOST_CPU, model: typeof v['model'] === 'string' ? v['model'] : DEFAULT_HOST_CPU.model };
  for (const [key, yamlKey, min, max] of FIELDS) {
    const x = v[yamlKey];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) return `host-cpu: ${yamlKey} must be a number in ${min}..${max}`;
    if ((key === 'cores' || key === 'threadsPerCore') && !Number.isInteger(x)) return `host-cpu: ${yamlKey} must be an integer`;
    (cpu as unknown as Record<string, number>)[key] = x;
  }
  if (v['core-bandwidth-gbs'] === undefined) cpu.coreBandwidthGbs = Math.min(cpu.memoryBandwidthGbs, DEFAULT_HOST_CPU.coreBandwidthGbs * 2);
  return cpu;
}

/** Compute rate per thread (FLOPs per ns) when `threads` threads of one job run at once. */
export function flopsPerNsPerThread(cpu: HostCpu, threads: number): number {
  const t = Math.max(1, threads);
  const core = cpu.ghz * cpu.flopsPerCycle;
  if (t <= cpu.cores) return core;
  const siblings = Math.min(t - cpu.cores, cpu.cores * (cpu.threadsPerCore - 1));
  return (core * (cpu.cores + cpu.smtYield * siblings)) / t;
}

/** Memory bandwidth per thread (bytes per ns) when `threads` threads stream at once. */
export function bytesPerNsPerThread(cpu: HostCpu, threads: number): number {
  return Math.min(cpu.coreBandwidthGbs, cpu.memoryBandwidthGbs / Math.max(1, threads));
}

/**
 * Virtual ns one of `threads` threads spends on its equal share of `work`, with `busStreams`
 * threads (this job's and any other's) streaming from memory at the same time.
 */
export function shareNs(work: Work, cpu: HostCpu, threads: number, busStreams = threads): number {
  const t = Math.max(1, Math.floor(threads));
  const computeNs = work.flops / t / flopsPerNsPerThread(cpu, t);
  const memoryNs = work.bytes / t / bytesPerNsPerThread(cpu, Math.max(t, busStreams));
  return Math.max(computeNs, memoryNs);
}

/** What streaming the model costs: file size, parameter count, bytes read per forward pass. */
export interface ModelFootprint {
  sizeBytes: number;
  params: number;
  /** Every weight but the token embedding (of which a pass reads only its tokens' rows). */
  streamedBytes: number;
  embeddingRowBytes: number;
}

export function modelFootprint(file: GgufFile): ModelFootprint {
  let sizeBytes = 0, params = 0, streamedBytes = 0, embeddingRowBytes = 0;
  for (const t of file.tensors) {
    const n = elementCount(t.dims);
    const bytes = Math.max(0, tensorSizeBytes(t.type, n));
    sizeBytes += bytes;
    params += n;
    if (t.name === 'token_embd.weight') embeddingRowBytes = bytes / Math.max(1, t.dims[1] ?? 1);
    else streamedBytes += bytes;
  }
  return { sizeBytes, params, streamedBytes, embeddingRowBytes };
}

/** Multiply-adds per token in the weight matrices (each is 2 FLOPs). */
export function matmulParams(c: LlamaConfig): number {
  const kvDim = c.kvHeads * c.headDim;
  const perLayer = 2 * c.dim * c.dim + 2 * c.dim * kvDim + 3 * c.dim * c.ffnDim;
  return c.layers * perLayer + c.dim * c.vocabSize;
}

/**
 * Work of one forward pass over `nTokens` new tokens after `nPast` cached ones, in one batch:
 * weights are read once per batch, attention reads the F16 K/V of every earlier position.
 */
export function forwardWork(c: LlamaConfig, fp: ModelFootprint, nTokens: number, nPast: number): Work {
  const n = Math.max(0, nTokens);
  const kvDim = c.kvHeads * c.headDim;
  // Sum over the batch of the positions each token attends to: (nPast+1) + ... + (nPast+n).
  const attended = n * nPast + (n * (n + 1)) / 2;
  const attnFlops = 4 * c.layers * c.heads * c.headDim * attended;
  const flops = 2 * matmulParams(c) * n + attnFlops;
  const kvBytes = 2 * 2 * c.layers * kvDim * (nPast + n);
  const bytes = n === 0 ? 0 : fp.streamedBytes + n * fp.embeddingRowBytes + kvBytes;
  return { flops, bytes };
}

/** Splits a pass into per-layer steps (plus the output head), the points where threads meet. */
export function splitWork(total: Work, parts: number): Work[] {
  const p = Math.max(1, Math.floor(parts));
  return Array.from({ length: p }, () => ({ flops: total.flops / p, bytes: total.bytes / p }));
}
