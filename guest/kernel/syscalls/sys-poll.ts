// Readiness: ppoll/poll, pselect6/select over each file's poll operation, sleeping on
// the union of the files' wait queues until something is ready or the timeout passes;
// and eventfd2, whose whole point is to be polled.

import { EBADF, EFAULT, EINVAL } from '../errno';
import { createEventfd } from '../eventfd';
import { O_CLOEXEC, O_NONBLOCK, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, type OpenFile } from '../file';
import type { Kernel } from '../kernel';
import { decodePollfds, decodeTimespec, encodePollfd } from '../structs';
import type { Task } from '../task';
import { asInt, copyIn, copyOut } from '../uaccess';
import { UNBLOCKABLE } from '../signal-defs';
import { block, type SysResult, type WaitQueue } from '../wait';
import type { SyscallHandler } from './types';

const MAX_POLL_FDS = 1024 * 1024;
const ALWAYS = POLLERR | POLLHUP | POLLNVAL;

function pollFile(f: OpenFile | undefined): { mask: number; queues: readonly WaitQueue[] } {
  if (!f) return { mask: POLLNVAL, queues: [] };
  if (!f.ops.poll) return { mask: POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, queues: [] };
  return f.ops.poll(f);
}

/** Deadline from a timeout in ns (undefined = wait forever), fixed at the first attempt. */
function deadline(k: Kernel, t: Task, timeoutNs: number | undefined): number | undefined {
  if (timeoutNs === undefined) return undefined;
  t.restart.deadlineNs ??= k.now + timeoutNs;
  return t.restart.deadlineNs;
}

function doPoll(k: Kernel, t: Task, fdsAddr: number, nfds: number, timeoutNs: number | undefined): SysResult {
  if (nfds < 0 || nfds > MAX_POLL_FDS || nfds > t.fds.limit) return -EINVAL;
  const raw = copyIn(t, fdsAddr, 8 * nfds);
  if (!raw) return -EFAULT;
  const fds = decodePollfds(raw);
  const queues: WaitQueue[] = [];
  let ready = 0;
  const revents = fds.map((p) => {
    if (p.fd < 0) return 0;
    const r = pollFile(t.fds.get(p.fd));
    queues.push(...r.queues);
    const m = r.mask & (p.events | ALWAYS);
    if (m) ready++;
    return m;
  });
  const dl = deadline(k, t, timeoutNs);
  if (ready === 0 && (dl === undefined || k.now < dl)) return block(queues, dl);
  for (let i = 0; i < fds.length; i++) {
    if (!copyOut(t, fdsAddr + 8 * i, encodePollfd(fds[i].fd, fds[i].events, revents[i]))) return -EFAULT;
  }
  return ready;
}

function readTimeoutNs(t: Task, addr: number): number | undefined | -1 {
  if (addr === 0) return undefined;
  const b = copyIn(t, addr, 16);
  if (!b) return -1;
  const ts = decodeTimespec(b);
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1e9) return -1;
  return ts.sec * 1e9 + ts.nsec;
}

function doSelect(k: Kernel, t: Task, a: readonly number[], timeoutNs: number | undefined): SysResult {
  const nfds = asInt(a[0]);
  if (nfds < 0 || nfds > t.fds.limit) return -EINVAL;
  const bytes = Math.ceil(nfds / 64) * 8;
  const sets = [a[1], a[2], a[3]].map((addr) => (addr === 0 ? undefined : copyIn(t, addr, bytes)));
  if (sets.some((s, i) => s === undefined && [a[1], a[2], a[3]][i] !== 0)) return -EFAULT;
  const want = [POLLIN | POLLRDNORM | POLLHUP | POLLERR, POLLOUT | POLLWRNORM | POLLERR, POLLPRI];
  const out = sets.map((s) => (s ? new Uint8Array(s.length) : undefined));
  const queues: WaitQueue[] = [];
  let ready = 0;
  for (let fd = 0; fd < nfds; fd++) {
    const bit = 1 << (fd & 7);
    if (!sets.some((s) => s && s[fd >> 3] & bit)) continue;
    const f = t.fds.get(fd);
    if (!f) return -EBADF;
    const r = pollFile(f);
    queues.push(...r.queues);
    sets.forEach((s, i) => {
      if (s && s[fd >> 3] & bit && r.mask & want[i]) {
        out[i]![fd >> 3] |= bit;
        ready++;
      }
    });
  }
  const dl = deadline(k, t, timeoutNs);
  if (ready === 0 && (dl === undefined || k.now < dl)) return block(queues, dl);
  for (let i = 0; i < 3; i++) if (out[i] && !copyOut(t, [a[1], a[2], a[3]][i], out[i]!)) return -EFAULT;
  return ready;
}

/**
 * ppoll/pselect6's temporary signal mask: in force while the call waits, the old mask back
 * when it returns; if a handler interrupts, its frame restores the old mask (as sigsuspend).
 */
function withTempMask(t: Task, maskAddr: number, body: () => SysResult): SysResult {
  if (maskAddr !== 0 && t.suspendSavedMask === undefined) {
    const b = copyIn(t, maskAddr, 8);
    if (!b) return -EFAULT;
    t.suspendSavedMask = t.sigBlocked;
    t.sigBlocked = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
  }
  const r = body();
  if (typeof r === 'number' && t.suspendSavedMask !== undefined) {
    t.sigBlocked = t.suspendSavedMask;
    t.suspendSavedMask = undefined;
  }
  return r;
}

export const pollHandlers: Record<string, SyscallHandler> = {
  ppoll: (k, t, a) => {
    const tmo = readTimeoutNs(t, a[2]);
    if (tmo === -1) return a[2] !== 0 && !copyIn(t, a[2], 16) ? -EFAULT : -EINVAL;
    if (a[3] !== 0 && a[4] !== 8) return -EINVAL;
    return withTempMask(t, a[3], () => doPoll(k, t, a[0], asInt(a[1]), tmo));
  },
  poll: (k, t, a) => doPoll(k, t, a[0], asInt(a[1]), asInt(a[2]) < 0 ? undefined : asInt(a[2]) * 1e6),
  pselect6: (k, t, a) => {
    const tmo = readTimeoutNs(t, a[4]);
    if (tmo === -1) return a[4] !== 0 && !copyIn(t, a[4], 16) ? -EFAULT : -EINVAL;
    // The sixth argument points at { const sigset_t *ss; size_t ss_len; }.
    let maskAddr = 0;
    if (a[5] !== 0) {
      const sm = copyIn(t, a[5], 16);
      if (!sm) return -EFAULT;
      maskAddr = Number(new DataView(sm.buffer).getBigUint64(0, true));
    }
    return withTempMask(t, maskAddr, () => doSelect(k, t, a, tmo));
  },
  select: (k, t, a) => {
    if (a[4] === 0) return doSelect(k, t, a, undefined);
    const b = copyIn(t, a[4], 16);
    if (!b) return -EFAULT;
    const ts = decodeTimespec(b);
    if (ts.sec < 0 || ts.nsec < 0) return -EINVAL;
    return doSelect(k, t, a, ts.sec * 1e9 + ts.nsec * 1000);
  },
  eventfd2: (_k, t, a) => {
    const flags = asInt(a[1]);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | 1)) return -EINVAL;
    return t.fds.install(createEventfd(a[0], flags), (flags & O_CLOEXEC) !== 0);
  },
  eventfd: (_k, t, a) => t.fds.install(createEventfd(a[0], 0), false),
};
