// `busyloop [-d SECONDS] [--duty PERCENT]`: a stand-in for a CPU-hungry background service (an
// indexer, an updater): it computes in 1 ms chunks, sleeping between chunks to use PERCENT of a
// CPU (100 by default), until killed or for SECONDS of virtual time. Its work goes through the
// compute trap, so it competes for the CPU exactly as the inference threads do.

import { NATIVE_COMPUTE_NR } from '../../abi/native';
import { DEFAULT_HOST_CPU } from '../../llm/cost-model';
import type { Main } from '../libc/runtime';
import { trap } from '../libc/sys';
import { intValue, parseArgs } from './args';

const CHUNK_NS = 1_000_000;

export const busyloopMain: Main = function* (rt) {
  const p = parseArgs(rt.argv.slice(1), ['-d', '--duty']);
  const d = typeof p === 'string' ? p : intValue(p, 0, '-d');
  const duty = typeof p === 'string' ? p : intValue(p, 100, '--duty');
  if (typeof d === 'string' || typeof duty === 'string' || duty < 1 || duty > 100) {
    yield* rt.error(typeof d === 'string' ? d : typeof duty === 'string' ? duty : '--duty must be 1..100');
    return 1;
  }
  const start = yield* rt.sys.clockGettimeNs(1);
  // One chunk: 1 ms of a default core's arithmetic (the CPU model scales it to this machine).
  const flops = CHUNK_NS * DEFAULT_HOST_CPU.ghz * DEFAULT_HOST_CPU.flopsPerCycle;
  for (;;) {
    const now = yield* rt.sys.clockGettimeNs(1);
    if (d > 0 && now - start >= d * 1e9) return 0;
    yield trap(NATIVE_COMPUTE_NR, [flops, 0, 1]);
    if (duty < 100) yield* rt.sys.nanosleep((CHUNK_NS * (100 - duty)) / duty);
  }
};
