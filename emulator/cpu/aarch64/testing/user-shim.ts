// A test-only stand-in for the guest kernel: loads a static AArch64 ELF into FlatMemory,
// builds the Linux initial stack, and answers the handful of syscalls a static libc needs to
// print and exit. The real kernel (guest/) replaces all of this; it exists so the CPU can be
// checked against qemu-aarch64 on its own.
import { A64Cpu } from '../cpu';
import type { RunResult } from '../cpu';
import { FlatMemory } from '../memory';
import type { CpuTimeSource } from '../memory';
import { Prng } from '../../../random/prng';
import { parseElf64 } from '../../../../guest/elf/parse';
import { loadElf } from '../../../../guest/elf/load';
import { buildInitialStack } from '../../../../guest/elf/stack';
import { A64_HWCAP, A64_HWCAP2 } from '../../../../guest/elf/auxv';

const ENOSYS = 38;
const EBADF = 9;
const ENOTTY = 25;
const EFAULT = 14;
const STACK_TOP = 0xfffffffff000;
const STACK_BYTES = 1 << 20;
const MMAP_BASE = 0x7f0000000000;

export interface ShimResult {
  stdout: string;
  stdoutBytes: Uint8Array;
  exitCode: number | undefined;
  stop: RunResult | undefined;
  instructions: number;
  unhandled: number[];
}

/** Instruction-counted time: 1 ns per instruction, a 62.5 MHz counter like QEMU virt's. */
export function icountTime(cpu: () => A64Cpu): CpuTimeSource {
  return { cntvct: () => Math.floor(cpu().instructions / 16), cntfrqHz: 62_500_000 };
}

export class UserShim {
  readonly mem = new FlatMemory();
  readonly cpu: A64Cpu;
  private out: number[] = [];
  private brk = 0;
  private mmapNext = MMAP_BASE;
  exitCode: number | undefined;
  readonly unhandled: number[] = [];

  constructor() {
    const ref: { cpu?: A64Cpu } = {};
    this.cpu = new A64Cpu(this.mem, icountTime(() => ref.cpu!));
    ref.cpu = this.cpu;
  }

  load(bytes: Uint8Array, argv: string[], envp: string[] = [], seed = 1): string | undefined {
    const parsed = parseElf64(bytes);
    if (!parsed.ok) return parsed.error;
    const mem = this.mem;
    const img = loadElf(parsed.elf, bytes, {
      mapAnonymous: (vaddr, size, prot) => {
        mem.map(vaddr, size, `${prot.read ? 'r' : ''}${prot.write ? 'w' : ''}${prot.exec ? 'x' : ''}`);
        return true;
      },
      write: (vaddr, data) => mem.write(vaddr, data),
    });
    if ('error' in img) return img.error;
    this.brk = img.brkStart;
    mem.map(STACK_TOP - STACK_BYTES, STACK_BYTES, 'rw');
    const st = buildInitialStack({
      stackTop: STACK_TOP, argv, envp, execfn: argv[0] ?? '', phdrAddr: img.phdrAddr, phent: img.phent, phnum: img.phnum,
      entry: img.entry, interpBase: 0, uid: 0, euid: 0, gid: 0, egid: 0, secure: false, hwcap: A64_HWCAP, hwcap2: A64_HWCAP2,
      pageSizeBytes: 4096, prng: new Prng(seed).fork('at_random'),
    });
    if ('error' in st) return st.error;
    mem.write(st.sp, st.image);
    this.cpu.setXNum(31, st.sp);
    this.cpu.pc = img.entry;
    return undefined;
  }

  run(maxInstructions: number): ShimResult {
    let stop: RunResult | undefined;
    const start = this.cpu.instructions;
    while (this.exitCode === undefined && this.cpu.instructions - start < maxInstructions) {
      const r = this.cpu.run(Math.min(1_000_000, maxInstructions - (this.cpu.instructions - start)));
      if (r.reason === 'budget') continue;
      if (r.reason !== 'svc') {
        stop = r;
        break;
      }
      this.syscall();
    }
    const bytes = Uint8Array.from(this.out);
    return { stdout: new TextDecoder().decode(bytes), stdoutBytes: bytes, exitCode: this.exitCode, stop, instructions: this.cpu.instructions - start, unhandled: this.unhandled };
  }

  private syscall(): void {
    const c = this.cpu;
    const nr = c.getXNum(8);
    const a = [0, 1, 2, 3, 4, 5].map((i) => c.getXNum(i));
    const ret = this.dispatch(nr, a);
    c.setXNum(0, ret < 0 ? 2 ** 64 + ret : ret);
    if (ret < 0) c.setX(0, BigInt(ret) & 0xffffffffffffffffn);
  }

  private dispatch(nr: number, a: number[]): number {
    switch (nr) {
      case 93: // exit
      case 94: // exit_group
        this.exitCode = a[0]! & 0xff;
        return 0;
      case 64: // write
        return this.write(a[0]!, a[1]!, a[2]!);
      case 66: // writev
        return this.writev(a[0]!, a[1]!, a[2]!);
      case 214: // brk
        if (a[0]! > this.brk) {
          this.mem.map(this.brk, a[0]! - this.brk, 'rw');
          this.brk = Math.ceil(a[0]! / 4096) * 4096;
        }
        return this.brk;
      case 222: {
        // mmap (anonymous only)
        const len = Math.ceil(a[1]! / 4096) * 4096;
        const at = this.mmapNext;
        this.mmapNext += len + 4096;
        this.mem.map(at, len, 'rw');
        return at;
      }
      case 29: // ioctl
        return -ENOTTY;
      case 96: // set_tid_address
      case 172: // getpid
      case 178: // gettid
        return 1000;
      case 99: // set_robust_list
      case 226: // mprotect
      case 135: // rt_sigprocmask
      case 134: // rt_sigaction
        return 0;
      case 80: // fstat
      case 79: // newfstatat
        return -EBADF;
      default:
        this.unhandled.push(nr);
        return -ENOSYS;
    }
  }

  private write(fd: number, addr: number, len: number): number {
    if (fd !== 1 && fd !== 2) return -EBADF;
    const data = this.mem.read(addr, len);
    if (!data) return -EFAULT;
    if (fd === 1) for (const b of data) this.out.push(b);
    return len;
  }

  private writev(fd: number, iov: number, count: number): number {
    let total = 0;
    for (let i = 0; i < count; i++) {
      const raw = this.mem.read(iov + 16 * i, 16);
      if (!raw) return -EFAULT;
      const v = new DataView(raw.buffer);
      const r = this.write(fd, v.getUint32(0, true) + v.getUint32(4, true) * 4294967296, v.getUint32(8, true));
      if (r < 0) return r;
      total += r;
    }
    return total;
  }
}
