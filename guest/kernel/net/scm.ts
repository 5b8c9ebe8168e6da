// Passing descriptors over AF_UNIX (net/core/scm.c): SCM_RIGHTS on sendmsg takes a reference
// on each named open file; recvmsg installs them as new descriptors in the receiver, as many as
// the control buffer has room for (MSG_CTRUNC and the rest closed otherwise). A receiver with
// SO_PASSCRED gets the sender's SCM_CREDENTIALS first; credentials a sender passes are checked
// for shape only (the kernel reports the real ones).

import { EBADF, EINVAL } from '../errno';
import type { OpenFile } from '../file';
import type { Task } from '../task';
import type { KernelSocket, RecvResult } from '../../net/socket';
import { UnixSocket, type InFlightFile } from '../../net/unix/unix-socket';
import { CMSG_HDR_BYTES, SCM_CREDENTIALS, SCM_RIGHTS, SOL_SOCKET, type ControlMessage } from './msghdr';

/** SCM_MAX_FD. */
const SCM_MAX_FD = 253;
export const MSG_CMSG_CLOEXEC = 0x40000000;

/** The files a sendmsg's control messages pass (references taken), [] for none, or -errno. */
export function takeRights(t: Task, sock: KernelSocket, msgs: ControlMessage[] | 'invalid'): OpenFile[] | number {
  if (msgs === 'invalid') return -EINVAL;
  const files: OpenFile[] = [];
  const fail = (e: number) => {
    for (const f of files) f.put();
    return e;
  };
  for (const m of msgs) {
    if (m.level !== SOL_SOCKET) continue;
    if (!(sock instanceof UnixSocket)) return fail(-EINVAL);
    if (m.type === SCM_CREDENTIALS) {
      if (m.data.length < 12) return fail(-EINVAL);
      continue;
    }
    if (m.type !== SCM_RIGHTS || m.data.length % 4 !== 0 || files.length + m.data.length / 4 > SCM_MAX_FD) return fail(-EINVAL);
    const v = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    for (let i = 0; i < m.data.length; i += 4) {
      const f = t.fds.get(v.getInt32(i, true));
      if (!f) return fail(-EBADF);
      files.push(f.get());
    }
  }
  return files;
}

/** SCM_CREDENTIALS for a receiver with SO_PASSCRED: struct ucred {pid, uid, gid}. */
export function credentialsMessage(r: RecvResult): ControlMessage | undefined {
  const c = (r as { cred?: { pid: number; uid: number; gid: number } }).cred;
  if (!c) return undefined;
  const data = new Uint8Array(12);
  const v = new DataView(data.buffer);
  v.setInt32(0, c.pid, true);
  v.setUint32(4, c.uid >>> 0, true);
  v.setUint32(8, c.gid >>> 0, true);
  return { level: SOL_SOCKET, type: SCM_CREDENTIALS, data };
}

export function rightsOf(r: RecvResult): InFlightFile[] | undefined {
  return (r as { rights?: InFlightFile[] }).rights;
}

/** Drops files that arrived on a call with no control buffer (read, recvfrom). */
export function dropRights(r: RecvResult): void {
  for (const f of rightsOf(r) ?? []) f.put();
}

/** Installs received files in `t` as far as `roomBytes` of control buffer allows: the cmsg, and whether some were cut. */
export function installRights(t: Task, files: InFlightFile[], roomBytes: number, flags: number): { msg?: ControlMessage; truncated: boolean } {
  const fit = roomBytes >= CMSG_HDR_BYTES ? Math.floor((roomBytes - CMSG_HDR_BYTES) / 4) : 0;
  const fds: number[] = [];
  files.forEach((f, i) => {
    if (i >= fit) return f.put();
    const fd = t.fds.install(f as OpenFile, (flags & MSG_CMSG_CLOEXEC) !== 0);
    if (fd >= 0) fds.push(fd);
  });
  const truncated = fds.length < files.length;
  if (fds.length === 0) return { truncated };
  const data = new Uint8Array(4 * fds.length);
  const v = new DataView(data.buffer);
  fds.forEach((fd, i) => v.setInt32(4 * i, fd, true));
  return { msg: { level: SOL_SOCKET, type: SCM_RIGHTS, data }, truncated };
}
