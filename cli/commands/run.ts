// `twinbox run SCENARIO_OR_DIR...`: runs scenario files (folders searched recursively, in
// sorted order) on a backend, a progress line per step, a transcript and its SHA-256 per
// scenario, JUnit XML on request, and a last line `N passed, N failed`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../../emulator/backends/select';
import type { SimBackendOptions } from '../../emulator/backends/sim/backend';
import { junitXml } from '../../scenarios/engine/junit';
import { createReporter, type Writable } from '../../scenarios/engine/reporters';
import { collectScenarioFiles, parseShard, runSuite, selectShard, type Shard } from '../../scenarios/engine/suite';
import { PcapFile, capturingBackend } from '../../scenarios/engine/net-faults';

export interface RunOptions {
  backend: string;
  seed?: string;
  junit?: string;
  shard?: string;
  out: string;
  screenshotDir?: string;
  /** One pcap of every frame on every booted machine's network links. */
  pcap?: string;
}

export interface RunIo {
  stdout: Writable;
  stderr: Writable;
  tty: boolean;
  /** For tests: the simulator's guest and snapshotter. */
  sim?: SimBackendOptions;
}

export const DEFAULT_OUT_DIR = 'out/transcripts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run scenario files (or folders of them) and report `N passed, N failed`; exits non-zero on failure')
    .argument('<scenarios...>', 'scenario files (.yaml, .yml, .json) or folders')
    .option('--backend <name>', 'sim (the simulator) or qemu (real QEMU)', 'sim')
    .option('--seed <n>', "seed for every scenario, overriding each file's own (0..4294967295)")
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--shard <i/n>', 'run only shard I of N (files sorted by path, every Nth from the Ith)')
    .option('--out <dir>', 'where transcripts go', DEFAULT_OUT_DIR)
    .option('--pcap <file>', 'write every frame of every link to FILE (libpcap, virtual-time stamps; simulator only)')
    .option('--screenshot-dir <dir>', 'where `screenshot` steps write their PNGs (default OUT/screenshots)')
    .action(async (paths: string[], opts: RunOptions) => {
      process.exitCode = await runCommand(paths, opts, { stdout: process.stdout, stderr: process.stderr, tty: process.stdout.isTTY === true });
    });
}

export function parseSeed(text: string | undefined): { ok: true; seed: number | undefined } | { ok: false; error: string } {
  if (text === undefined) return { ok: true, seed: undefined };
  if (!/^\d+$/.test(text) || Number(text) > 0xffff_ffff) return { ok: false, error: `--seed ${text}: expected an integer 0..4294967295` };
  return { ok: true, seed: Number(text) };
}

/** The whole command; returns the exit code (0 all passed, 1 a failure, 2 a usage error). */
export async function runCommand(paths: string[], opts: RunOptions, io: RunIo): Promise<number> {
  const usage = (msg: string): number => {
    io.stderr.write(`twinbox run: ${msg}\n`);
    return 2;
  };
  const seed = parseSeed(opts.seed);
  if (!seed.ok) return usage(seed.error);
  let shard: Shard | undefined;
  if (opts.shard !== undefined) {
    const parsed = parseShard(opts.shard);
    if (!parsed.ok) return usage(parsed.error);
    shard = parsed.shard;
  }
  const backend = await selectBackend(opts.backend, io.sim);
  if (!backend.ok) return usage(backend.error);
  const collected = collectScenarioFiles(paths);
  if (!collected.ok) return usage(collected.error);
  const files = selectShard(collected.files, shard);
  if (collected.files.length === 0) return usage(`no scenario files in ${paths.join(' ')}`);
  const reporter = createReporter(io.stdout, io.tty);
  let pcap: PcapFile | undefined;
  try {
    pcap = opts.pcap === undefined ? undefined : new PcapFile(opts.pcap);
  } catch (e) {
    return usage(`--pcap ${opts.pcap}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const runBackend = pcap ? capturingBackend(backend.backend, pcap) : backend.backend;
  const suite = await runSuite(files, { backend: runBackend, seed: seed.seed, outDir: opts.out, screenshotDir: opts.screenshotDir, reporter });
  if (opts.junit) {
    try {
      mkdirSync(dirname(opts.junit), { recursive: true });
      writeFileSync(opts.junit, junitXml(suite));
    } catch (e) {
      io.stderr.write(`twinbox run: cannot write ${opts.junit}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }
  pcap?.close();
  return suite.failed > 0 ? 1 : 0;
}
