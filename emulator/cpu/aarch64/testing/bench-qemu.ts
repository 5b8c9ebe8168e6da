// The CPU bench next to qemu-aarch64 on the same static binary (testing/c/loop.c): run it
// through the interpreter and through qemu, count guest instructions with the interpreter,
// and report both rates. Needs the cross toolchain; returns the reason when it is missing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserShim } from './user-shim';
import { buildC, missingToolchain, readBinary } from './toolchain';

export interface QemuComparison {
  twinboxInstructionsPerSecond: number;
  qemuInstructionsPerSecond: number;
  /** twinbox / qemu (both per CPU-second when the caller passes a CPU clock). */
  ratio: number;
  instructionsPerIteration: number;
}

function runShim(bytes: Uint8Array, path: string, iterations: number, now: () => number): { instructions: number; seconds: number; stdout: string } {
  const shim = new UserShim();
  const err = shim.load(bytes, [path, String(iterations)]);
  if (err) throw new Error(`bench binary: ${err}`);
  const t0 = now();
  const r = shim.run(Number.MAX_SAFE_INTEGER);
  return { instructions: r.instructions, seconds: now() - t0, stdout: r.stdout };
}

export function benchAgainstQemu(now: () => number, iterations = 20_000_000, qemuIterations = 200_000_000): QemuComparison | { skipped: string } {
  const missing = missingToolchain();
  if (missing) return { skipped: missing };
  const path = buildC(readFileSync(join(import.meta.dirname, 'c', 'loop.c'), 'utf8'), ['-O2']);
  const bytes = readBinary(path);
  const small = runShim(bytes, path, 1000, now);
  const big = runShim(bytes, path, iterations, now);
  const perIteration = (big.instructions - small.instructions) / (iterations - 1000);
  // qemu's own CPU time (bash's `time`), so a loaded machine does not skew the ratio; the
  // interpreter side is timed with the caller's clock (pass a CPU-time clock to match).
  const q = spawnSync('bash', ['-c', `TIMEFORMAT=%U+%S; time qemu-aarch64 -cpu cortex-a57 '${path}' ${qemuIterations} >/dev/null`]);
  if (q.status !== 0) return { skipped: `qemu-aarch64 failed with status ${q.status}` };
  const times = /([\d.]+)\+([\d.]+)\s*$/.exec(q.stderr.toString());
  if (!times) return { skipped: 'could not read the CPU time of qemu-aarch64' };
  const qemuSeconds = Number(times[1]) + Number(times[2]);
  const qemuInstructions = small.instructions + perIteration * (qemuIterations - 1000);
  const twinbox = big.instructions / big.seconds;
  const qemu = qemuInstructions / qemuSeconds;
  return { twinboxInstructionsPerSecond: twinbox, qemuInstructionsPerSecond: qemu, ratio: twinbox / qemu, instructionsPerIteration: perIteration };
}
