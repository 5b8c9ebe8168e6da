// The one syscall table. Every row has a name, its asm-generic and x86_64 numbers, the
// handler, a support level and a note (gVisor-style); docs/syscalls.md is generated from
// it. A call with no handler fails with ENOSYS and logs its name once per program.

import { SYSCALL_NUMBERS } from './numbers';
import type { SupportLevel, SyscallAbi, SyscallEntry, SyscallHandler } from './types';
import { ioHandlers } from './sys-io';
import { processHandlers } from './sys-process';
import { mmHandlers } from './sys-mm';
import { infoHandlers } from './sys-info';
import { timeHandlers } from './sys-time';
import { signalHandlers } from './sys-signal';
import { fsHandlers } from './sys-fs';
import { pollHandlers } from './sys-poll';
import { futexHandlers } from './sys-futex';
import { moduleHandlers } from './sys-module';
import { socketHandlers } from './sys-socket';
import { schedHandlers } from '../sched/sys-sched';

export type { SyscallAbi, SyscallEntry, SyscallHandler } from './types';

const HANDLERS: Record<string, SyscallHandler> = {
  ...ioHandlers, ...processHandlers, ...mmHandlers, ...infoHandlers, ...timeHandlers, ...signalHandlers,
  ...fsHandlers, ...pollHandlers, ...futexHandlers, ...moduleHandlers, ...socketHandlers, ...schedHandlers,
};

/** Partial support and why; calls not listed with a handler are fully supported. */
const NOTES: Record<string, [SupportLevel, string]> = {
  clone: ['partial', 'fork/vfork and threads (CLONE_VM/FILES/SIGHAND/THREAD/VFORK/PARENT, SETTLS, PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID); namespaces and pidfds are not supported. Native programs must pass childEntry.'],
  clone3: ['partial', 'As clone, from struct clone_args (up to tls); set_tid and cgroup are ignored.'],
  futex: ['partial', 'WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET; PRIVATE and CLOCK_REALTIME; timeouts on virtual time. Shared futexes in MAP_SHARED memory are keyed by the frame (they link processes), others by (address space, address). PI futexes give ENOSYS.'],
  init_module: ['partial', 'Accepts the .ko files of modules twinbox models (by the name in .modinfo; their drivers are built in, a hook may act on the parameters); others give ENOEXEC with a log line.'],
  finit_module: ['partial', 'As init_module; MODULE_INIT_COMPRESSED_FILE gives ENOEXEC.'],
  delete_module: ['partial', 'Unloads a module nothing depends on (else EAGAIN); O_NONBLOCK/O_TRUNC flags are not distinguished.'],
  exit: ['full', 'Ends the calling thread; the last thread out ends the process.'],
  fork: ['partial', 'As clone(SIGCHLD).'],
  vfork: ['partial', 'As clone(CLONE_VM|CLONE_VFORK|SIGCHLD).'],
  execve: ['partial', 'Native (#!native) images and #! scripts; ELF images need the CPU (ENOEXEC until then).'],
  mmap: ['partial', 'Anonymous mappings (private/shared, fixed); file mappings are copied in (MAP_PRIVATE semantics).'],
  mremap: ['partial', 'Shrink, grow in place, or move with MREMAP_MAYMOVE; MREMAP_FIXED and MREMAP_DONTUNMAP give EINVAL. Returns EFAULT when the range is not one mapping.'],
  madvise: ['partial', 'Accepted and ignored (advice only).'],
  msync: ['partial', 'No-op: memory is the backing store.'],
  ioctl: ['partial', 'TTY ioctls (TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP, TIOCSCTTY, TIOCNOTTY, FIONREAD), FIONBIO, FIOCLEX/FIONCLEX; others ENOTTY.'],
  fcntl: ['partial', 'F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL; record locks always succeed without locking.'],
  prctl: ['partial', 'PR_SET_NAME/PR_GET_NAME, PR_SET_PDEATHSIG (recorded); others EINVAL.'],
  rt_sigreturn: ['full', 'ELF tasks: restores the arm64 rt_sigframe. Native handlers return by finishing their generator.'],
  sigaltstack: ['partial', 'Recorded; native handlers do not run on a separate stack.'],
  getrusage: ['partial', 'Times are virtual; fault and context-switch counters partly filled.'],
  syslog: ['partial', 'READ_ALL, READ_CLEAR, CLEAR, SIZE_BUFFER, SIZE_UNREAD, CONSOLE_LEVEL/ON/OFF.'],
  mount: ['partial', 'proc, sysfs, devtmpfs, tmpfs, devpts, ext2 on a virtio-blk disk or partition; remount flags recorded.'],
  statfs: ['partial', 'Numbers describe the in-memory filesystem.'],
  set_tid_address: ['full', 'clear_child_tid is zeroed and futex-woken when the thread exits.'],
  setpriority: ['partial', 'Nice levels weight CPU shares as CFS weights do (time slices in proportion); root may lower nice, RLIMIT_NICE is not consulted.'],
  set_robust_list: ['full', 'Walked when the thread exits: held robust futexes get FUTEX_OWNER_DIED and a waiter is woken.'],
  mlock: ['partial', 'Accepted: memory is never swapped.'],
  mlockall: ['partial', 'Accepted: memory is never swapped.'],
  pselect6: ['partial', 'The timeout is not updated with the time left.'],
  fchownat: ['partial', 'Ownership is recorded; permission checks use it.'],
  setitimer: ['partial', 'ITIMER_REAL (SIGALRM on virtual time); ITIMER_VIRTUAL/PROF are accepted and never fire.'],
  rt_sigtimedwait: ['partial', 'siginfo carries si_signo only.'],
  socket: ['partial', 'AF_UNIX (STREAM, DGRAM, SEQPACKET), AF_INET from the IPv4 stack, AF_NETLINK NETLINK_ROUTE; other families EAFNOSUPPORT.'],
  socketpair: ['partial', 'AF_UNIX only, as Linux.'],
  sendmsg: ['partial', 'SCM_RIGHTS on AF_UNIX (files go with one send call); SCM_CREDENTIALS checked for shape, the real credentials are sent; SOL_SOCKET messages on other families EINVAL.'],
  recvmsg: ['partial', 'SCM_CREDENTIALS (SO_PASSCRED) and SCM_RIGHTS on AF_UNIX; no other control messages.'],
};

function build(): SyscallEntry[] {
  return SYSCALL_NUMBERS.map(([name, generic, x86]) => {
    const handler: SyscallHandler | undefined = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
    const [support, note] = NOTES[name] ?? (handler ? ['full', ''] : ['unsupported', 'Not implemented: ENOSYS.']);
    return { name, generic, x86_64: x86, handler, support: handler ? support : 'unsupported', note };
  });
}

export const SYSCALL_TABLE: readonly SyscallEntry[] = build();

const byGeneric = new Map<number, SyscallEntry>();
const byX86 = new Map<number, SyscallEntry>();
for (const e of SYSCALL_TABLE) {
  if (e.generic !== undefined) byGeneric.set(e.generic, e);
  if (e.x86_64 !== undefined) byX86.set(e.x86_64, e);
}

export function syscallByNumber(abi: SyscallAbi, nr: number): SyscallEntry | undefined {
  return (abi === 'generic' ? byGeneric : byX86).get(nr);
}

const byName = new Map(SYSCALL_TABLE.map((e) => [e.name, e]));

export function syscallByName(name: string): SyscallEntry | undefined {
  return byName.get(name);
}

/** Names with handlers registered but missing from the number list (a table bug). */
export function orphanHandlers(): string[] {
  const names = new Set(SYSCALL_NUMBERS.map((r) => r[0]));
  return Object.keys(HANDLERS).filter((n) => !names.has(n)).sort();
}
