// `twinbox console [machine args...]`: the guest's serial console on stdin/stdout, as
// `qemu-system-* -nographic` gives it. Piped stdin is deterministic: each line reaches the
// guest when it waits for input, so the same input and seed give byte-identical stdout.
// A terminal is put in raw mode; Ctrl-A x quits. Messages go to stderr, never stdout.

import type { Command } from 'commander';
import type { Session } from '../../emulator/backends/backend';
import { selectBackend } from '../../emulator/backends/select';
import type { SimBackendOptions } from '../../emulator/backends/sim/backend';
import { formatDurationNs, parseDurationNs } from '../../scenarios/engine/duration';
import { resolveMachine, type DescriptionResult } from '../../scenarios/engine/machine';
import { attachTerminal, ConsoleInput, readAll, type HostStdin } from './console-input';
import { PACE_SLACK_MS, Pacer, sleepMs } from './console-pace';
import { writeFinalScreenshot } from './console-screenshot';
import { parseSeed } from './run';
import { PcapFile, captureSession } from '../../scenarios/engine/net-faults';
import { bridgeHostNetdevs, type DgramBridge } from '../../emulator/backends/sim/dgram-bridge';
import type { Machine } from '../../emulator/machine/machine';

export interface ConsoleOptions {
  seed?: string;
  backend: string;
  profile?: string;
  maxVirtualTime?: string;
  timeout?: string;
  screenshotDir?: string;
  /** Write every frame of the machine's network links here (libpcap, virtual-time stamps). */
  pcap?: string;
}

export interface ConsoleIo {
  stdin: HostStdin;
  stdout: { write(bytes: Uint8Array | string): unknown };
  stderr: { write(text: string): unknown };
  sim?: SimBackendOptions;
}

export function registerConsole(program: Command, sim?: SimBackendOptions): void {
  program
    .command('console')
    .description("the guest's serial console on stdin/stdout, like qemu-system-* -nographic (Ctrl-A x quits)")
    .argument('[machine...]', 'QEMU-style machine arguments, e.g. -M virt -m 512M')
    .option('--seed <n>', 'PRNG seed (0..4294967295)', '1')
    .option('--backend <name>', 'sim (the simulator) or qemu (real QEMU)', 'sim')
    .option('--profile <file>', 'machine profile (YAML or JSON) instead of machine arguments')
    .option('--max-virtual-time <dur>', 'stop with an error after this much virtual time (e.g. 60s)')
    .option('--timeout <dur>', 'stop with an error after this much wall time (e.g. 30s)')
    .option('--screenshot-dir <dir>', 'when the session ends, write the display to DIR/poweroff.png')
    .option('--pcap <file>', 'write every frame of the network links to FILE (libpcap, virtual-time stamps; simulator only)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (machine: string[], opts: ConsoleOptions) => {
      // A reader that went away (`| head`) ends the session quietly, as SIGPIPE ends QEMU.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
      });
      process.exitCode = await consoleCommand(machine, opts, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, sim });
    });
}

function durationOption(name: string, text: string | undefined): { ok: true; ns?: number } | { ok: false; error: string } {
  if (text === undefined) return { ok: true };
  const ns = parseDurationNs(text);
  return ns === undefined || ns === 0 ? { ok: false, error: `${name} ${text}: expected a duration like 500ms, 30s, 2m` } : { ok: true, ns };
}

async function describeMachine(args: string[], opts: ConsoleOptions): Promise<DescriptionResult> {
  if (opts.profile !== undefined) {
    if (args.length > 0) return { ok: false, error: `give machine arguments or --profile, not both (got ${args.join(' ')})` };
    return resolveMachine({ kind: 'profile', path: opts.profile }, process.cwd(), opts.profile);
  }
  if (args.length === 0) return { ok: false, error: 'no machine: give QEMU-style arguments such as -M virt, or --profile FILE' };
  return resolveMachine({ kind: 'args', args }, process.cwd(), 'command line');
}

/** The whole command; returns the exit code (0 powered off or quit, 1 a failure, 2 a usage error). */
export async function consoleCommand(args: string[], opts: ConsoleOptions, io: ConsoleIo): Promise<number> {
  const say = (msg: string): void => void io.stderr.write(`twinbox console: ${msg}\n`);
  const seed = parseSeed(opts.seed);
  const maxVirtual = durationOption('--max-virtual-time', opts.maxVirtualTime);
  const wall = durationOption('--timeout', opts.timeout);
  const backend = await selectBackend(opts.backend, io.sim);
  const problem = !seed.ok ? seed.error : !maxVirtual.ok ? maxVirtual.error : !wall.ok ? wall.error : !backend.ok ? backend.error : undefined;
  if (problem || !seed.ok || !maxVirtual.ok || !wall.ok || !backend.ok) {
    say(problem ?? 'bad options');
    return 2;
  }
  const desc = await describeMachine(args, opts);
  if (!desc.ok) {
    say(desc.error);
    return 2;
  }
  const raw = io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
  const deadlineMs = wall.ns === undefined ? Infinity : Date.now() + wall.ns / 1e6;
  const limits: Limits = { maxVirtualNs: maxVirtual.ns, wallNs: wall.ns, deadlineMs };
  // A pipe is read to its end before the guest runs: then every line is queued and input is
  // closed, and the machine alone decides when each line is taken, whatever the pipe's timing.
  const piped = raw ? undefined : await readAll(io.stdin, deadlineMs);
  if (piped === 'timeout') {
    say(wallMessage(limits));
    return 1;
  }
  let input: ConsoleInput | undefined;
  let session: Session;
  const hooks = {
    shouldStop: () => (input?.quit ? 'quit' : Date.now() > deadlineMs ? 'wall' : undefined),
    yieldToHost: nextTurn,
  };
  try {
    session = await backend.backend.boot(desc.value, { seed: seed.seed ?? 1, hooks });
  } catch (e) {
    say(`boot failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (opts.pcap !== undefined) {
    let problem: string | undefined;
    try {
      problem = captureSession(session, new PcapFile(opts.pcap));
    } catch (e) {
      problem = `--pcap ${opts.pcap}: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (problem) {
      say(problem);
      await session.close();
      return 1;
    }
  }
  // -netdev dgram / socket,udp=: frames to and from host UDP sockets (QEMU's own netdevs), sim only.
  let bridges: DgramBridge[] = [];
  const simMachine = (session as Session & { machine?: Machine }).machine;
  if (simMachine && desc.value.netdevs.some((n) => n.type === 'dgram' || n.type === 'socket')) {
    const b = await bridgeHostNetdevs(simMachine);
    if (typeof b === 'string') {
      say(b);
      await session.close();
      return 1;
    }
    bridges = b;
  }
  io.stdout.write(session.outputBytes(0));
  session.onOutput((bytes) => io.stdout.write(bytes));
  input = new ConsoleInput(session, raw);
  if (piped) {
    input.data(piped);
    input.end();
  }
  const feeder = raw ? attachTerminal(io.stdin, input) : undefined;
  try {
    return await drive(session, input, { ...limits, pacer: raw ? new Pacer(session.nowNs) : undefined }, say);
  } finally {
    feeder?.detach();
    for (const b of bridges) await b.close();
    if (opts.screenshotDir !== undefined) say(await writeFinalScreenshot(session, opts.screenshotDir));
    await session.close();
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Limits {
  maxVirtualNs?: number;
  wallNs?: number;
  deadlineMs: number;
  pacer?: Pacer;
}

function wallMessage(limits: Limits): string {
  return `wall-time limit of ${formatDurationNs(limits.wallNs ?? 0)} reached (--timeout)`;
}

/** Runs the session until it ends, waiting for stdin whenever the guest waits for input. */
async function drive(session: Session, input: ConsoleInput, limits: Limits, say: (m: string) => void): Promise<number> {
  for (;;) {
    const paceNs = limits.pacer?.allowedNs(session.nowNs);
    const limitNs = paceNs === undefined ? limits.maxVirtualNs : Math.min(paceNs, limits.maxVirtualNs ?? Infinity);
    const r = await session.runToEnd(limitNs);
    if (r.ok) return 0;
    if (r.reason === 'timeout' && paceNs !== undefined && limitNs === paceNs && limitNs !== limits.maxVirtualNs) {
      await sleepMs(PACE_SLACK_MS / 2);
      continue;
    }
    if (r.reason === 'input-wanted') {
      if (!(await waitForInput(input, limits.deadlineMs))) {
        say(wallMessage(limits));
        return 1;
      }
      if (input.quit) return quit(say);
      limits.pacer?.resync(session.nowNs);
      continue;
    }
    if (r.reason === 'stopped' && input.quit) return quit(say);
    if (r.reason === 'stopped') say(wallMessage(limits));
    else if (r.reason === 'idle') say('guest idle with no more input');
    else if (r.reason === 'timeout') say(`virtual-time limit of ${formatDurationNs(limits.maxVirtualNs ?? 0)} reached (--max-virtual-time)`);
    else say(r.message ?? `stopped: ${r.reason}`);
    return 1;
  }
}

function quit(say: (m: string) => void): number {
  say('terminated (Ctrl-A x)');
  return 0;
}

/** False when the wall deadline passed first. */
async function waitForInput(input: ConsoleInput, deadlineMs: number): Promise<boolean> {
  if (deadlineMs === Infinity) {
    await input.next();
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadlineMs - Date.now()));
  });
  const got = await Promise.race([input.next().then(() => true as const), expired]);
  clearTimeout(timer);
  return got;
}
