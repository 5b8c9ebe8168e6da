// Console sessions typed at set virtual times on the real guest kernel (keys pressed while a
// job runs, like ^Z, reach the terminal at once), shared by the job-control test and oracle.
import type { NativeEntry } from '../../abi/native';
import { Machine } from '../../../emulator/machine/machine';
import { createGuestWith } from '../../index';
import type { Kernel } from '../../kernel/kernel';
import { NativeRegistry } from '../../kernel/native-registry';
import { testDescription } from '../../testing/machine';
import { USERLAND_PROGRAMS } from '../programs';

const STEP_NS = 500e6;

/** Boots the native userland and types each step STEP_NS of virtual time after the previous; the console text after the banner. */
export function typedSession(steps: readonly string[]): string {
  const registry = new NativeRegistry();
  let i = 0;
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) registry.register(`prog${i++}`, p.main as NativeEntry, [path]);
  const m = new Machine(testDescription('virt'), 1);
  const factory = createGuestWith({ registry });
  let kernel: Kernel | undefined;
  m.start((machine) => {
    kernel = factory(machine) as Kernel;
    return kernel;
  });
  let t = 1e9;
  for (const s of steps) {
    m.run({ untilNs: t });
    // The console's type-ahead is handed over only while someone reads it; a key pressed while
    // a job runs (^Z) goes straight into the terminal's receive path, as the UART interrupt would.
    kernel!.consoleTty.receive(Buffer.from(s));
    t += STEP_NS;
  }
  m.run({ untilNs: t + 5e9 });
  const out = Buffer.from(m.console.transcript).toString('utf8').replace(/\r\n/g, '\n');
  return out.slice(out.indexOf('/ # '));
}

/** The console sequences both this test and the oracle run: keys, one step apart. */
export const JOB_SESSIONS: readonly (readonly string[])[] = [
  ['sleep 30\n', '\x1a', 'jobs\n', 'bg\n', 'jobs\n', 'fg\n', '\x1a', 'echo $?\n', 'kill %1\n', 'jobs\n'],
  ['sleep 40 | cat\n', '\x1a', 'wait %1; echo w=$?\n', 'sleep 50\n', '\x1a', 'jobs\n', 'exit\n', 'kill -9 %1\n', 'true\n', 'fg %2\n', '\x1a', 'kill -9 %2\n', 'fg\n', 'true\n'],
  ['cat &\n', 'true\n', 'jobs\n', 'kill -9 %1\n', 'true\n'],
];

