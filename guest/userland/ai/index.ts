// The AI programs of the guest userland (RayOS's System 2 and Conductor, retrieval, llama-bench),
// with their install paths; guest/userland/programs.ts adds them to the userland.

import type { UserlandProgram } from '../programs';
import { program } from '../libc/runtime';
import { busyloopMain } from './busyloop';
import { conductorMain } from './conductor';
import { llamaBenchMain } from './llama-bench';
import { retrieveMain } from './retrieval';
import { system2Main } from './system2';

export const AI_PROGRAMS: readonly UserlandProgram[] = [
  { name: 'llama-bench', main: program(llamaBenchMain), paths: ['/usr/bin/llama-bench'] },
  { name: 'system2', main: program(system2Main), paths: ['/usr/bin/system2'] },
  { name: 'conductor', main: program(conductorMain), paths: ['/usr/bin/conductor'] },
  { name: 'retrieve', main: program(retrieveMain), paths: ['/usr/bin/retrieve'] },
  { name: 'busyloop', main: program(busyloopMain), paths: ['/usr/bin/busyloop'] },
];
