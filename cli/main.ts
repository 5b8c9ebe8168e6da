// The `twinbox` command line: one program, one file per command under cli/commands/.

import { Command } from 'commander';
import { registerAssets } from './commands/assets';
import { registerBench } from './commands/bench';
import { registerConsole } from './commands/console';
import { registerDiff } from './commands/diff';
import { registerExec } from './commands/exec';
import { registerHw } from './commands/hw';
import { registerModel } from './commands/model';
import { registerRun } from './commands/run';

const program = new Command();
program
  .name('twinbox')
  .description('Full-system emulator and deterministic simulation harness: virt (aarch64) and q35 (x86_64) machines, a Linux-ABI guest kernel in TypeScript, scenarios on the simulator or real QEMU, benchmarks.')
  .version('0.1.0')
  .showHelpAfterError();

registerConsole(program);
registerRun(program);
registerDiff(program);
registerExec(program);
registerBench(program);
registerModel(program);
registerAssets(program);
registerHw(program);

await program.parseAsync(process.argv);
