// `twinbox exec [--seed N] [--root DIR] PROGRAM [ARGS...]`: runs a static AArch64 Linux
// program on the TypeScript kernel in user mode, like qemu-aarch64: DIR (default: the
// current directory) is the guest's `/`, stdin/stdout/stderr are passed through, and the
// process exits with the program's status (128 + signal when a signal killed it).

import { realpathSync, readSync, writeSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { runUserMode, type UserModeIo, type UserModeResult } from '../../guest/kernel/user-mode';
import { parseSeed } from './run';

export interface ExecOptions {
  seed?: string;
  root?: string;
}

/** Where a host path lies inside the root, as a guest path; undefined when outside. */
export function guestPathFor(hostRoot: string, hostPath: string): string | undefined {
  const rel = relative(hostRoot, hostPath);
  if (rel === '') return '/';
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return '/' + rel.split(sep).join('/');
}

/** PROGRAM as the guest sees it: a path with a slash is a host path (under DIR); a bare name is looked up in DIR. */
export function programPath(hostRoot: string, cwd: string, program: string): string | undefined {
  if (!program.includes('/')) return guestPathFor(hostRoot, resolve(cwd, program)) ?? `/${program}`;
  let host = resolve(cwd, program);
  try {
    host = realpathSync(host);
  } catch {
    // A missing file: the guest's execve reports ENOENT.
  }
  return guestPathFor(hostRoot, host);
}

function hostStdin(maxBytes: number): Uint8Array {
  const buf = Buffer.alloc(Math.max(1, Math.min(maxBytes, 65536)));
  for (;;) {
    try {
      return new Uint8Array(buf.subarray(0, readSync(0, buf, 0, buf.length, null)));
    } catch (e) {
      // A non-blocking stdin (a tty in raw mode, say) is polled until data or EOF arrives.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return new Uint8Array(0);
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

export const HOST_IO: UserModeIo = {
  stdin: hostStdin,
  stdout: (b) => writeAll(1, b),
  stderr: (b) => writeAll(2, b),
};

export interface ExecCall {
  program: string;
  args: string[];
  opts: ExecOptions;
  io: UserModeIo;
  cwd: string;
  env: string[];
}

/** The command's work, apart from the host process: returns the exit code (and the run, if it started). */
export function execCommand(c: ExecCall): { exitCode: number; result?: UserModeResult } {
  const seed = parseSeed(c.opts.seed);
  const say = (msg: string) => c.io.stderr(new TextEncoder().encode(`twinbox exec: ${msg}\n`));
  if (!seed.ok) {
    say(seed.error);
    return { exitCode: 2 };
  }
  let hostRoot: string;
  try {
    hostRoot = realpathSync(resolve(c.cwd, c.opts.root ?? '.'));
  } catch {
    say(`--root ${c.opts.root}: no such directory`);
    return { exitCode: 2 };
  }
  const program = programPath(hostRoot, c.cwd, c.program);
  if (program === undefined) {
    say(`${c.program}: outside the guest root ${hostRoot} (use --root)`);
    return { exitCode: 2 };
  }
  const result = runUserMode({
    hostRoot, program, argv: [c.program, ...c.args], envp: c.env, cwd: guestPathFor(hostRoot, c.cwd) ?? '/',
    seed: seed.seed, io: c.io,
  });
  if (result.error) say(result.error);
  for (const e of result.sync?.errors ?? []) say(`writing back: ${e}`);
  return { exitCode: result.exitCode, result };
}

export function registerExec(program: Command): void {
  // PROGRAM's own options (`twinbox exec ./ls -l`) must reach it untouched: commander passes
  // them through only when the root parses options positionally (it has no options of its own but --version/--help).
  program.enablePositionalOptions();
  program
    .command('exec')
    .description('run a static aarch64 Linux program on the TypeScript kernel in user mode (like qemu-aarch64)')
    .option('--seed <n>', 'seed for the guest (AT_RANDOM, /dev/urandom)')
    .option('--root <dir>', 'host directory that is the guest root', '.')
    .argument('<program>', 'the program (a path under the root)')
    .argument('[args...]', 'its arguments')
    .passThroughOptions()
    .action((prog: string, args: string[], opts: ExecOptions) => {
      const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
      const r = execCommand({ program: prog, args, opts, io: HOST_IO, cwd: process.cwd(), env });
      process.exitCode = r.exitCode;
    });
}
