// getopts (XCU getopts, ash's messages "Illegal option -z" / "No arg for -b option") and
// fg: under job control it hands the job the terminal and continues it (jobctl.ts); without, it waits for the job.

import type { Sc } from '../libc/sys';
import { fgJobControl } from './jobctl';
import { findJob, waitJob } from './jobs';
import type { Shell } from './shell';

export function* getopts(sh: Shell, argv: string[]): Sc<number> {
  const spec = argv[1];
  const name = argv[2];
  if (spec === undefined || name === undefined) {
    yield* sh.diag('usage: getopts optstring var [arg]');
    return 2;
  }
  const args = argv.length > 3 ? argv.slice(3) : sh.state.positional;
  const silent = spec.startsWith(':');
  let optind = Number(sh.state.get('OPTIND') ?? '1');
  if (!Number.isInteger(optind) || optind < 1) optind = 1;
  if (optind !== sh.getoptsIndex) sh.getoptsOffset = 1;
  const arg = args[optind - 1];
  const done = (): number => {
    sh.state.set(name, '?');
    sh.state.vars.delete('OPTARG');
    sh.getoptsIndex = optind;
    return 1;
  };
  if (arg === undefined || arg === '-' || !arg.startsWith('-')) return done();
  if (arg === '--') {
    optind++;
    sh.state.set('OPTIND', String(optind));
    return done();
  }
  const c = arg[sh.getoptsOffset]!;
  sh.getoptsOffset++;
  const advance = (): void => {
    if (sh.getoptsOffset >= arg.length) {
      optind++;
      sh.getoptsOffset = 1;
    }
  };
  const at = c === ':' ? -1 : spec.indexOf(c);
  if (at < 0) {
    advance();
    return yield* optionError(sh, name, c, silent, `Illegal option -${c}`, '?', optind);
  }
  if (spec[at + 1] === ':') {
    let value: string | undefined = arg.slice(sh.getoptsOffset);
    optind++;
    sh.getoptsOffset = 1;
    if (value === '') {
      value = args[optind - 1];
      if (value !== undefined) optind++;
    }
    if (value === undefined) return yield* optionError(sh, name, c, silent, `No arg for -${c} option`, silent ? ':' : '?', optind);
    sh.state.set('OPTARG', value);
  } else {
    advance();
    sh.state.set('OPTARG', '');
  }
  sh.state.set(name, c);
  sh.state.set('OPTIND', String(optind));
  sh.getoptsIndex = optind;
  return 0;
}

function* optionError(sh: Shell, name: string, c: string, silent: boolean, message: string, value: string, optind: number): Sc<number> {
  if (silent) sh.state.set('OPTARG', c);
  else {
    sh.state.vars.delete('OPTARG');
    yield* sh.out.flush();
    sh.err.put(`${message}\n`);
    yield* sh.err.flush();
  }
  sh.state.set(name, value);
  sh.state.set('OPTIND', String(optind));
  sh.getoptsIndex = optind;
  return 0;
}

export function* fg(sh: Shell, argv: string[]): Sc<number> {
  const spec = argv[1] ?? '%%';
  if (sh.state.jobControl) return yield* fgJobControl(sh, spec);
  const job = findJob(sh, spec);
  if (!sh.state.interactive) {
    yield* sh.diag(`job ${spec} not created under job control`);
    return 2;
  }
  if (!job) {
    yield* sh.diag(`${spec}: no such job`);
    return 2;
  }
  sh.out.put(`${job.text}\n`);
  yield* sh.out.flush();
  return yield* waitJob(sh, job);
}
