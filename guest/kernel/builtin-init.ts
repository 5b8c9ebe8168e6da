// The kernel's fallback init: used only when the root filesystem has no /init and no
// /sbin/init. A tiny console shell that runs through the ordinary syscall table, so the
// machine boots end to end without a userland: it prompts, echoes, and powers off.

import type { NativeContext, NativeProgram, SyscallTrap } from '../abi/native';

const NR_READ = 63, NR_WRITE = 64, NR_REBOOT = 142, NR_MMAP = 222;
const LINUX_REBOOT_MAGIC1 = 0xfee1dead, LINUX_REBOOT_MAGIC2 = 672274793;
const LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc, LINUX_REBOOT_CMD_RESTART = 0x01234567;
const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22;
const BUF_BYTES = 4096;
export const BUILTIN_INIT_NAME = 'kernel-init';

function trap(nr: number, ...args: number[]): SyscallTrap {
  return { nr, args };
}

function* print(ctx: NativeContext, buf: number, text: string): Generator<SyscallTrap, void, number> {
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length; off += BUF_BYTES) {
    const chunk = bytes.subarray(off, off + BUF_BYTES);
    ctx.mem.write(buf, chunk);
    yield trap(NR_WRITE, 1, buf, chunk.length);
  }
}

function* runCommand(ctx: NativeContext, buf: number, line: string): Generator<SyscallTrap, void, number> {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return;
  const [cmd, ...rest] = words;
  if (cmd === 'poweroff' || cmd === 'halt') {
    yield trap(NR_REBOOT, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0);
  } else if (cmd === 'reboot') {
    yield trap(NR_REBOOT, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, 0);
  } else if (cmd === 'echo') {
    yield* print(ctx, buf, rest.join(' ') + '\n');
  } else if (cmd === 'help') {
    yield* print(ctx, buf, 'built-in commands: echo help poweroff reboot\n');
  } else {
    yield* print(ctx, buf, `sh: ${cmd}: not found\n`);
  }
}

export function* builtinInit(ctx: NativeContext): NativeProgram {
  const buf = yield trap(NR_MMAP, 0, BUF_BYTES, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
  if (buf < 0) return 1;
  yield* print(ctx, buf, '\ntwinbox: no init found in the root filesystem; running the kernel\'s built-in shell.\n');
  let pending = '';
  for (;;) {
    yield* print(ctx, buf, '/ # ');
    let line: string | undefined;
    while (line === undefined) {
      const n = yield trap(NR_READ, 0, buf, BUF_BYTES);
      if (n <= 0) return 0;
      pending += Buffer.from(ctx.mem.read(buf, n) ?? new Uint8Array(0)).toString('utf8');
      const nl = pending.indexOf('\n');
      if (nl >= 0) {
        line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
      }
    }
    yield* runCommand(ctx, buf, line);
  }
}
