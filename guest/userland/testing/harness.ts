// Test harness: a stand-in kernel with the whole native userland installed, running one
// command line and returning the console text and the exit status.

import { USERLAND_PROGRAMS } from '../programs';
import { FakeKernel } from './fake-kernel';

export interface RunOptions {
  input?: string;
  files?: Record<string, string>;
  tty?: boolean;
  setup?: (k: FakeKernel) => void;
}

export interface RunResult {
  out: string;
  status: number;
  kernel: FakeKernel;
}

export function bootFake(opts: RunOptions = {}): FakeKernel {
  const k = new FakeKernel(opts.input ?? '');
  k.consoleIsTty = opts.tty ?? false;
  for (const p of USERLAND_PROGRAMS) k.install(p.name, p.main, p.paths);
  k.fs.put('/tmp', { kind: 'dir', mode: 0o1777 });
  for (const [path, text] of Object.entries(opts.files ?? {})) k.fs.writeFile(path, text);
  opts.setup?.(k);
  return k;
}

/** `sh -c SCRIPT` on the stand-in kernel. */
export function sh(script: string, opts: RunOptions = {}): RunResult {
  const k = bootFake(opts);
  k.spawn('/bin/sh', ['sh', '-c', script]);
  const ws = k.run();
  return { out: k.consoleOut, status: (ws >> 8) & 0xff || (ws & 0x7f ? 128 + (ws & 0x7f) : 0), kernel: k };
}

/** Runs argv[0] from /bin directly. */
export function run(argv: string[], opts: RunOptions = {}): RunResult {
  const k = bootFake(opts);
  const prog = USERLAND_PROGRAMS.find((p) => p.name === argv[0]);
  k.spawn(prog?.paths[0] ?? `/bin/${argv[0]}`, argv);
  const ws = k.run();
  return { out: k.consoleOut, status: (ws >> 8) & 0xff, kernel: k };
}
