// Sockets as open files (net/socket.c's socket_file_ops): read/write are recv/send with no
// flags, poll asks the socket, the last close closes it, ioctl goes to the interface ioctls.
// Each socket gets an inode in a sockfs of its own (fstat says S_IFSOCK, /proc/PID/fd says
// socket:[ino]). Also here: the blocking rules every socket call shares — SO_RCVTIMEO /
// SO_SNDTIMEO deadlines, whole-buffer blocking sends, SIGPIPE on EPIPE.

import { EAGAIN, EPIPE } from '../errno';
import { O_NONBLOCK, O_RDWR, OpenFile, type FileOps } from '../file';
import type { Kernel } from '../kernel';
import { sendSignal } from '../signal';
import { SIGPIPE } from '../signal-defs';
import type { Task } from '../task';
import { block, type Block } from '../wait';
import { isSockBlock } from './block';
import { FsNode } from '../../fs/node';
import { netStateOf } from './state';
import { UnixSocket } from '../../net/unix/unix-socket';
import { MSG_DONTWAIT, MSG_NOSIGNAL, SOCK_STREAM, type KernelSocket, type RecvResult, type SockAddr } from '../../net/socket';
import { socketIoctl } from './ifreq';
import { dropRights } from './scm';

export interface SocketExtra {
  sock: KernelSocket;
  rcvTimeoutNs: number;
  sndTimeoutNs: number;
}

const extras = new WeakMap<OpenFile, SocketExtra>();

export function socketOf(f: OpenFile): SocketExtra | undefined {
  return extras.get(f);
}

/** A new open file for `sock` (flags: O_NONBLOCK from SOCK_NONBLOCK). */
export function openSocketFile(k: Kernel, sock: KernelSocket, flags: number): OpenFile {
  const node = new FsNode(netStateOf(k).sockfs, 'sock', 0o777, k.now);
  if (sock instanceof UnixSocket) sock.inode = node.ino;
  const extra: SocketExtra = { sock, rcvTimeoutNs: 0, sndTimeoutNs: 0 };
  const ops: FileOps = {
    seekable: false,
    read: (f, len, t) => {
      const r = recvOnce(k, t, extra, len, 0, f.nonblocking);
      if (typeof r === 'number' || isSockBlock(r)) return r;
      dropRights(r);
      return r.data;
    },
    write: (f, data, t) => sendAll(k, t, extra, data, 0, undefined, f.nonblocking),
    poll: () => sock.poll(),
    release: () => sock.close(),
    ioctl: (_f, cmd, arg, t) => socketIoctl(k, t, sock, cmd, arg),
  };
  const f = new OpenFile(ops, O_RDWR | (flags & O_NONBLOCK), `socket:[${node.ino}]`, node);
  extras.set(f, extra);
  return f;
}

/** Applies a socket timeout to a Block: a deadline on the first sleep, EAGAIN once it has passed. */
export function withTimeout(k: Kernel, t: Task, b: Block, timeoutNs: number, key: string): Block | number {
  if (timeoutNs <= 0) return b;
  const deadline = t.restart[key] ?? k.now + timeoutNs;
  t.restart[key] = deadline;
  if (k.now >= deadline) return -EAGAIN;
  return block(b.queues, b.deadlineNs !== undefined ? Math.min(b.deadlineNs, deadline) : deadline);
}

/** One receive (read, recvfrom, recvmsg), honouring MSG_DONTWAIT and SO_RCVTIMEO. */
export function recvOnce(k: Kernel, t: Task, x: SocketExtra, maxBytes: number, flags: number, fileNonblocking: boolean): RecvResult | number | Block {
  const r = x.sock.recv(maxBytes, flags, fileNonblocking || (flags & MSG_DONTWAIT) !== 0);
  if (isSockBlock(r)) return withTimeout(k, t, r, x.rcvTimeoutNs, 'sockRcvDeadline');
  return r;
}

/**
 * A send: a blocking stream socket sends the whole buffer (sleeping while the peer's queue is
 * full), everything else what fits at once. EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
 */
export function sendAll(k: Kernel, t: Task, x: SocketExtra, data: Uint8Array, flags: number, to: SockAddr | undefined, fileNonblocking: boolean): number | Block {
  const nonblocking = fileNonblocking || (flags & MSG_DONTWAIT) !== 0;
  const done = t.restart['sockSent'] ?? 0;
  const r = x.sock.send(data.subarray(done), flags, to, nonblocking);
  if (isSockBlock(r)) {
    const b = withTimeout(k, t, r, x.sndTimeoutNs, 'sockSndDeadline');
    return typeof b === 'number' && done > 0 ? done : b;
  }
  if (r < 0) {
    if (r === -EPIPE && !(flags & MSG_NOSIGNAL)) sendSignal(k, t, SIGPIPE);
    return done > 0 ? done : r;
  }
  const total = done + r;
  if (total < data.length && !nonblocking && x.sock.type === SOCK_STREAM && r > 0) {
    t.restart['sockSent'] = total;
    const b = withTimeout(k, t, block(x.sock.poll().queues), x.sndTimeoutNs, 'sockSndDeadline');
    return typeof b === 'number' ? total : b;
  }
  return total;
}
