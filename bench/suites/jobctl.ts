// Job control in the native sh: whole typed sessions on a booted machine (^Z, jobs, bg, fg,
// kill), so regressions in process groups, stop/continue or tty hand-over show as time.

import type { BenchCase } from '../harness';
import { sampleOpsPerSecond } from '../harness';
import { JOB_SESSIONS, typedSession } from '../../guest/userland/testing/typed-session';

export const jobControlCases: BenchCase[] = [
  {
    name: 'shell-job-control',
    quick: true,
    measure: ({ quick }) => [
      sampleOpsPerSecond(
        'native sh job-control session (boot, ^Z, jobs, bg, fg, ^Z, kill, poweroff)',
        () => {
          const out = typedSession([...JOB_SESSIONS[0]!, 'poweroff\n']);
          if (!out.includes('Stopped')) throw new Error('job-control bench: the job did not stop');
        },
        { quick, unit: 'sessions/s' },
      ),
    ],
  },
];
