// The `twinbox` program with the console and run commands wired to the fake guest, so
// tests can run them as child processes before (and independently of) the real kernel.

import { Command } from 'commander';
import { createFakeGuest } from '../../../emulator/backends/sim/testing/fake-guest';
import { registerConsole } from '../console';

const program = new Command('twinbox');
program.exitOverride((err) => {
  process.exit(err.exitCode);
});
registerConsole(program, { guest: createFakeGuest });
await program.parseAsync(process.argv);
