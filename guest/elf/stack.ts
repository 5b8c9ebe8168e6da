// The initial process stack exactly as Linux's exec builds it (fs/exec.c, fs/binfmt_elf.c
// create_elf_tables), from the top down: an 8-byte zero word, the exec filename, the envp
// strings, the argv strings (each group in ascending order), the platform string "aarch64",
// 16 AT_RANDOM bytes, then — 16-byte aligned — argc, argv[], NULL, envp[], NULL, auxv pairs
// ending with AT_NULL. Pure: returns the bytes to place at [sp, stackTop).
import type { Prng } from '../../emulator/random/prng';
import {
  AT_BASE, AT_CLKTCK, AT_EGID, AT_ENTRY, AT_EUID, AT_EXECFN, AT_FLAGS, AT_GID, AT_HWCAP, AT_HWCAP2, AT_NULL, AT_PAGESZ,
  AT_PHDR, AT_PHENT, AT_PHNUM, AT_PLATFORM, AT_RANDOM, AT_SECURE, AT_UID, CLOCK_TICKS_PER_SECOND,
} from './auxv';

export interface InitialStackParams {
  /** One past the highest stack byte (page aligned). */
  stackTop: number;
  argv: readonly string[];
  envp: readonly string[];
  /** The path execve was given (AT_EXECFN). */
  execfn: string;
  phdrAddr: number;
  phent: number;
  phnum: number;
  entry: number;
  /** Interpreter load address, 0 for a static binary. */
  interpBase: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  secure: boolean;
  hwcap: number;
  hwcap2: number;
  pageSizeBytes: number;
  /** Source of the 16 AT_RANDOM bytes. */
  prng: Prng;
}

export interface InitialStack {
  sp: number;
  /** Bytes of [sp, stackTop). */
  image: Uint8Array;
  argvAddrs: number[];
  envpAddrs: number[];
  randomAddr: number;
}

/** Linux caps argv+envp at a quarter of the stack rlimit; this is the 8 MiB default's quarter. */
export const MAX_ARG_STRINGS_BYTES = 2 * 1024 * 1024;

export function buildInitialStack(p: InitialStackParams): InitialStack | { error: 'E2BIG' } {
  const enc = new TextEncoder();
  const cstr = (s: string): Uint8Array => {
    const b = enc.encode(s);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  };
  const argvB = p.argv.map(cstr);
  const envpB = p.envp.map(cstr);
  const strBytes = [...argvB, ...envpB].reduce((n, b) => n + b.length, 0);
  if (strBytes > MAX_ARG_STRINGS_BYTES) return { error: 'E2BIG' };
  const writes: { addr: number; data: Uint8Array }[] = [];
  let pos = p.stackTop - 8; // bprm->p starts one pointer below the top
  const push = (data: Uint8Array): number => {
    pos -= data.length;
    writes.push({ addr: pos, data });
    return pos;
  };
  const execfnAddr = push(cstr(p.execfn));
  const envpAddrs = pushGroup(envpB, push);
  const argvAddrs = pushGroup(argvB, push);
  pos -= pos % 16; // arch_align_stack without randomisation
  const platformAddr = push(cstr('aarch64'));
  const random = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const v = p.prng.nextU32();
    random[i] = v & 0xff;
    random[i + 1] = (v >>> 8) & 0xff;
    random[i + 2] = (v >>> 16) & 0xff;
    random[i + 3] = v >>> 24;
  }
  const randomAddr = push(random);
  const auxv: [number, number][] = [
    [AT_HWCAP, p.hwcap],
    [AT_PAGESZ, p.pageSizeBytes],
    [AT_CLKTCK, CLOCK_TICKS_PER_SECOND],
    [AT_PHDR, p.phdrAddr],
    [AT_PHENT, p.phent],
    [AT_PHNUM, p.phnum],
    [AT_BASE, p.interpBase],
    [AT_FLAGS, 0],
    [AT_ENTRY, p.entry],
    [AT_UID, p.uid],
    [AT_EUID, p.euid],
    [AT_GID, p.gid],
    [AT_EGID, p.egid],
    [AT_SECURE, p.secure ? 1 : 0],
    [AT_RANDOM, randomAddr],
    [AT_HWCAP2, p.hwcap2],
    [AT_EXECFN, execfnAddr],
    [AT_PLATFORM, platformAddr],
    [AT_NULL, 0],
  ];
  const words: number[] = [p.argv.length, ...argvAddrs, 0, ...envpAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  let sp = pos - words.length * 8;
  sp -= ((sp % 16) + 16) % 16;
  const image = new Uint8Array(p.stackTop - sp);
  const view = new DataView(image.buffer);
  words.forEach((v, i) => {
    view.setUint32((i * 8), v % 4294967296, true);
    view.setUint32(i * 8 + 4, Math.floor(v / 4294967296), true);
  });
  for (const wr of writes) image.set(wr.data, wr.addr - sp);
  return { sp, image, argvAddrs, envpAddrs, randomAddr };
}

/** Copy a group of strings so the first ends up lowest, as copy_strings does (last first, downwards). */
function pushGroup(strings: Uint8Array[], push: (d: Uint8Array) => number): number[] {
  const addrs = new Array<number>(strings.length);
  for (let i = strings.length - 1; i >= 0; i--) addrs[i] = push(strings[i]!);
  return addrs;
}
