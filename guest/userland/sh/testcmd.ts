// test / [ (XCU test, BusyBox's test.c): POSIX argument-count rules with -a, -o, !, ( ),
// file tests through stat/access syscalls, integer comparisons with "bad number" errors.

import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from '../libc/numbers';
import type { Stat } from '../libc/structs';
import type { Sc, Sys } from '../libc/sys';

const UNARY = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-h', '-L', '-k', '-p', '-r', '-s', '-S', '-t', '-u', '-w', '-x', '-O', '-G', '-z', '-n']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

class TestError {
  constructor(readonly message: string) {}
}

/** Exit status 0 (true), 1 (false) or 2 with an error message. */
export type TestResult = { status: 0 | 1 } | { status: 2; error: string };

function toInt(s: string): bigint {
  const t = s.trim();
  if (!/^[-+]?[0-9]+$/.test(t)) throw new TestError(`${s}: bad number`);
  const v = BigInt(t);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) throw new TestError(`${s}: out of range`);
  return v;
}

class TestEval {
  private i = 0;

  constructor(
    private readonly args: readonly string[],
    private readonly sys: Sys,
  ) {}

  private peek(k = 0): string | undefined {
    return this.args[this.i + k];
  }

  *run(): Sc<boolean> {
    if (this.args.length === 0) return false;
    const v = yield* this.or();
    if (this.i < this.args.length) throw new TestError(`${this.args[this.i]}: unknown operand`);
    return v;
  }

  private *or(): Sc<boolean> {
    let v = yield* this.and();
    while (this.peek() === '-o') {
      this.i++;
      const r = yield* this.and();
      v = v || r;
    }
    return v;
  }

  private *and(): Sc<boolean> {
    let v = yield* this.not();
    while (this.peek() === '-a') {
      this.i++;
      const r = yield* this.not();
      v = v && r;
    }
    return v;
  }

  private *not(): Sc<boolean> {
    if (this.peek() === '!' && this.peek(1) !== undefined && !BINARY.has(this.peek(1)!)) {
      this.i++;
      return !(yield* this.not());
    }
    return yield* this.primary();
  }

  private *primary(): Sc<boolean> {
    const a = this.peek();
    if (a === undefined) throw new TestError('argument expected');
    if (a === '(' && !BINARY.has(this.peek(1) ?? '')) {
      this.i++;
      const v = yield* this.or();
      if (this.peek() !== ')') throw new TestError('argument expected');
      this.i++;
      return v;
    }
    const op = this.peek(1);
    if (op !== undefined && BINARY.has(op)) {
      const b = this.peek(2);
      if (b === undefined) throw new TestError(`${op}: argument expected`);
      this.i += 3;
      return yield* this.binary(a, op, b);
    }
    if (UNARY.has(a) && this.peek(1) !== undefined) {
      this.i += 2;
      return yield* this.unary(a, this.args[this.i - 1]!);
    }
    this.i++;
    return a !== '';
  }

  private *binary(a: string, op: string, b: string): Sc<boolean> {
    switch (op) {
      case '=':
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '-nt':
      case '-ot':
      case '-ef': {
        const sa = yield* this.sys.stat(a);
        const sb = yield* this.sys.stat(b);
        if (typeof sa === 'number' || typeof sb === 'number') return op === '-nt' ? typeof sb === 'number' && typeof sa !== 'number' : false;
        if (op === '-ef') return sa.dev === sb.dev && sa.ino === sb.ino;
        return op === '-nt' ? sa.mtimeSec > sb.mtimeSec : sa.mtimeSec < sb.mtimeSec;
      }
      default: {
        const x = toInt(a);
        const y = toInt(b);
        const r = { '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y }[op];
        return r ?? false;
      }
    }
  }

  private *unary(op: string, arg: string): Sc<boolean> {
    if (op === '-z') return arg === '';
    if (op === '-n') return arg !== '';
    if (op === '-t') {
      return yield* this.sys.isatty(Number(toInt(arg)));
    }
    if (op === '-r' || op === '-w' || op === '-x') {
      return (yield* this.sys.access(arg, op === '-r' ? 4 : op === '-w' ? 2 : 1)) === 0;
    }
    const st = yield* this.sys.fstatat(AT_FDCWD, arg, op === '-h' || op === '-L' ? AT_SYMLINK_NOFOLLOW : 0);
    if (typeof st === 'number') return false;
    return fileTest(op, st);
  }
}

function fileTest(op: string, st: Stat): boolean {
  const type = st.mode & S_IFMT;
  switch (op) {
    case '-e': return true;
    case '-f': return type === S_IFREG;
    case '-d': return type === S_IFDIR;
    case '-b': return type === S_IFBLK;
    case '-c': return type === S_IFCHR;
    case '-p': return type === S_IFIFO;
    case '-S': return type === S_IFSOCK;
    case '-h':
    case '-L': return type === S_IFLNK;
    case '-s': return st.sizeBytes > 0;
    case '-u': return (st.mode & 0o4000) !== 0;
    case '-g': return (st.mode & 0o2000) !== 0;
    case '-k': return (st.mode & 0o1000) !== 0;
    default: return true;
  }
}

/** test ARGS (without a trailing "]"). */
export function* runTest(args: readonly string[], sys: Sys): Sc<TestResult> {
  try {
    const v = yield* new TestEval(args, sys).run();
    return { status: v ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError) return { status: 2, error: e.message };
    throw e;
  }
}
