// A tiny user-space toolkit for native test programs: a scratch heap in the process's own
// memory (mmap'd once), C strings and pointer arrays placed there, typed loads, and
// syscalls by name through the kernel's table. Tests use it to call the ABI exactly as a
// C program would.

import type { NativeContext, NativeProgram, SyscallTrap } from '../abi/native';
import { syscallByName } from '../kernel/syscalls/table';

export const SCRATCH_BYTES = 1 << 20;

export class USys {
  next = 0;

  constructor(
    readonly ctx: NativeContext,
    readonly base: number,
  ) {}

  /** Sets up the scratch heap: `const u = yield* USys.create(ctx)`. */
  static *create(ctx: NativeContext): Generator<SyscallTrap, USys, number> {
    const base = yield { nr: 222, args: [0, SCRATCH_BYTES, 3, 0x22, -1, 0] };
    if (base < 0) throw new Error(`usys: mmap failed ${base}`);
    return new USys(ctx, base);
  }

  *sys(name: string, ...args: number[]): Generator<SyscallTrap, number, number> {
    const e = syscallByName(name);
    if (!e || e.generic === undefined) throw new Error(`usys: no asm-generic syscall ${name}`);
    return yield { nr: e.generic, args };
  }

  /** fork-style clone: the child runs `child` (in a copy of this address space) and exits with its return value. */
  *fork(child: (u: USys) => Generator<SyscallTrap, number, number>, flags = 17): Generator<SyscallTrap, number, number> {
    const base = this.base;
    const childEntry = (ctx: NativeContext): NativeProgram => (function* () {
      const cu = new USys(ctx, base);
      cu.next = 1 << 19;
      return yield* child(cu);
    })();
    return yield { nr: 220, args: [flags, 0, 0, 0, 0], childEntry };
  }

  alloc(lenBytes: number): number {
    const addr = this.base + this.next;
    this.next += (lenBytes + 15) & ~15;
    if (this.next > SCRATCH_BYTES) throw new Error('usys: scratch heap exhausted');
    return addr;
  }

  bytes(data: Uint8Array): number {
    const a = this.alloc(data.length);
    this.ctx.mem.write(a, data);
    return a;
  }

  cstr(s: string): number {
    return this.bytes(new TextEncoder().encode(s + '\0'));
  }

  strArray(items: readonly string[]): number {
    const a = this.alloc(8 * (items.length + 1));
    const b = new Uint8Array(8 * (items.length + 1));
    const d = new DataView(b.buffer);
    items.forEach((s, i) => d.setBigUint64(8 * i, BigInt(this.cstr(s)), true));
    this.ctx.mem.write(a, b);
    return a;
  }

  read(addr: number, len: number): Uint8Array {
    const b = this.ctx.mem.read(addr, len);
    if (!b) throw new Error(`usys: cannot read ${len} bytes at 0x${addr.toString(16)}`);
    return b;
  }

  text(addr: number, len: number): string {
    return Buffer.from(this.read(addr, len)).toString('utf8');
  }

  i32(addr: number): number {
    return new DataView(this.read(addr, 4).buffer).getInt32(0, true);
  }

  u64(addr: number): number {
    return Number(new DataView(this.read(addr, 8).buffer).getBigUint64(0, true));
  }

  setI32(addr: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.ctx.mem.write(addr, b);
  }

  /** write(fd, text) */
  *print(fd: number, s: string): Generator<SyscallTrap, number, number> {
    const data = new TextEncoder().encode(s);
    return yield* this.sys('write', fd, this.bytes(data), data.length);
  }
}

/** Runs `body` as PID 1 and powers off afterwards, so a test machine ends cleanly. */
export function testInit(body: (u: USys) => Generator<SyscallTrap, void, number>): (ctx: NativeContext) => NativeProgram {
  return function* (ctx) {
    const u = yield* USys.create(ctx);
    yield* body(u);
    yield* u.sys('reboot', 0xfee1dead, 672274793, 0x4321fedc, 0);
    return 0;
  };
}
