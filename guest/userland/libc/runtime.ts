// The process runtime a native program's main() receives: the syscall layer, buffered
// stdout/stderr, argv and environment. `program()` turns a main into a NativeEntry that
// sets the runtime up, runs main, flushes the streams and exits with main's status.

import type { NativeContext, NativeEntry } from '../../abi/native';
import { strerror } from './errno';
import { OutStream } from './stdio';
import { Sys } from './sys';
import type { Sc } from './sys';

export class Runtime {
  readonly out: OutStream;
  readonly err: OutStream;
  readonly env: Map<string, string>;

  constructor(
    readonly sys: Sys,
    readonly argv: readonly string[],
    envp: readonly string[],
  ) {
    this.out = new OutStream(sys, 1);
    this.err = new OutStream(sys, 2);
    this.env = parseEnv(envp);
  }

  /** The applet name for messages: argv[0]'s last component, as BusyBox's applet_name. */
  get name(): string {
    const a0 = this.argv[0] ?? 'sh';
    return a0.slice(a0.lastIndexOf('/') + 1);
  }

  envp(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /** `name: message` on stderr, flushed (BusyBox bb_error_msg). */
  *error(message: string): Sc<void> {
    yield* this.out.flush();
    this.err.put(`${this.name}: ${message}\n`);
    yield* this.err.flush();
  }

  /** `name: message: strerror` (BusyBox bb_perror_msg). */
  *perror(message: string, errnoNeg: number): Sc<void> {
    yield* this.error(`${message}: ${strerror(errnoNeg)}`);
  }

  *flush(): Sc<void> {
    yield* this.out.flush();
    yield* this.err.flush();
  }
}

export function parseEnv(envp: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of envp) {
    const eq = e.indexOf('=');
    if (eq > 0) env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return env;
}

export type Main = (rt: Runtime) => Sc<number>;

export function program(main: Main): NativeEntry {
  return function* (ctx: NativeContext) {
    const sys = yield* Sys.create(ctx.mem);
    if (typeof sys === 'number') return 127;
    const rt = new Runtime(sys, ctx.argv, ctx.envp);
    const status = yield* main(rt);
    yield* rt.flush();
    yield* sys.exit(status);
    return status;
  };
}
