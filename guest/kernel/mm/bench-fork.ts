// Fork figures for `twinbox bench`: Debian's static BusyBox sh (ELF, on the CPU interpreter)
// running `(exit)` subshells (fork + exit + wait) and `true` as an external command
// (fork + execve + exit + wait), with copy-on-write fork and with the eager copy it replaced,
// in wall time (the caller's clock) and virtual time. Needs the arm64 busybox from
// `twinbox assets fetch` (the caller passes its bytes).

import { emitCpio } from '../../fs/cpio';
import { Machine } from '../../../emulator/machine/machine';
import { createGuestWith } from '../../index';
import { testDescription } from '../../testing/machine';
import { NativeRegistry } from '../native-registry';
import { setCopyOnWriteFork } from './address-space';

export interface ForkBenchResult {
  name: string;
  value: number;
  unit: string;
  note: string;
}

function initramfs(busybox: Uint8Array): Uint8Array {
  const dir = (name: string) => ({ name, mode: 0o40755, data: new Uint8Array(0) });
  const link = (name: string) => ({ name, mode: 0o120777, data: new TextEncoder().encode('busybox') });
  return emitCpio([dir('bin'), { name: 'bin/busybox', mode: 0o100755, data: busybox }, link('bin/sh'), link('bin/true')]);
}

/** Runs `loop` (which prints DONE) under BusyBox sh; wall ms and virtual ns from the first prompt to DONE. */
function timeLoop(busybox: Uint8Array, loop: string, nowMs: () => number): { wallMs: number; virtualNs: number } {
  const m = new Machine(testDescription('virt', { append: 'console=ttyAMA0 rdinit=/bin/sh', memoryBytes: 512 << 20 }), 1);
  m.start(createGuestWith({ registry: new NativeRegistry(), initrd: initramfs(busybox) }));
  m.run({ until: () => m.console.textSince(0).includes('# '), untilNs: 60e9 });
  const mark = m.console.transcriptLength;
  const t0 = nowMs(), v0 = m.scheduler.now;
  m.console.type(`${loop}\n`);
  const stop = m.run({ until: () => m.console.textSince(mark).includes('\nDONE'), untilNs: 600e9 });
  if (stop !== 'condition') throw new Error(`fork bench: the loop did not finish (${stop})`);
  return { wallMs: nowMs() - t0, virtualNs: m.scheduler.now - v0 };
}

export function benchBusyboxFork(busybox: Uint8Array, nowMs: () => number, runs = 200): ForkBenchResult[] {
  const cases: Array<[string, string]> = [
    ['BusyBox sh fork+exit', `i=0; while [ $i -lt ${runs} ]; do (exit 0); i=$((i+1)); done; echo DONE`],
    ['BusyBox sh fork+exec true', `i=0; while [ $i -lt ${runs} ]; do /bin/true; i=$((i+1)); done; echo DONE`],
  ];
  const out: ForkBenchResult[] = [];
  for (const [name, loop] of cases) {
    for (const cow of [true, false]) {
      setCopyOnWriteFork(cow);
      try {
        const t = timeLoop(busybox, loop, nowMs);
        const mode = cow ? 'copy-on-write' : 'eager copy';
        out.push({ name: `${name}, ${mode} (wall)`, value: runs / Math.max(1e-9, t.wallMs / 1000), unit: 'forks/s', note: `${runs} runs` });
        out.push({ name: `${name}, ${mode} (virtual)`, value: runs / Math.max(1e-9, t.virtualNs / 1e9), unit: 'forks/s', note: `${runs} runs` });
      } finally {
        setCopyOnWriteFork(true);
      }
    }
  }
  return out;
}
