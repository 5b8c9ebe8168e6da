// struct msghdr and control messages (include/linux/socket.h, 64-bit layouts shared by
// aarch64 and x86_64): msghdr is 56 bytes; a cmsghdr is {u64 len, i32 level, i32 type} and
// each message is padded to 8 bytes (CMSG_ALIGN). Pure parse/emit functions.

export const MSGHDR_BYTES = 56;
export const CMSG_HDR_BYTES = 16;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;

export interface MsgHdr {
  nameAddr: number;
  nameLenBytes: number;
  iovAddr: number;
  iovCount: number;
  controlAddr: number;
  controlLenBytes: number;
  flags: number;
}

export interface ControlMessage {
  level: number;
  type: number;
  data: Uint8Array;
}

export function cmsgAlign(n: number): number {
  return (n + 7) & ~7;
}

export function parseMsgHdr(b: Uint8Array): MsgHdr | undefined {
  if (b.length < MSGHDR_BYTES) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u64 = (o: number) => Number(v.getBigUint64(o, true));
  return {
    nameAddr: u64(0), nameLenBytes: v.getUint32(8, true), iovAddr: u64(16), iovCount: u64(24),
    controlAddr: u64(32), controlLenBytes: u64(40), flags: v.getInt32(48, true),
  };
}

/**
 * The control messages in `b` (__cmsg_nxthdr's walk). A header whose length is under 16 bytes
 * or runs past the buffer ends the walk with EINVAL, as __scm_send does.
 */
export function parseControl(b: Uint8Array): ControlMessage[] | 'invalid' {
  const out: ControlMessage[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off + CMSG_HDR_BYTES <= b.length) {
    const len = Number(v.getBigUint64(off, true));
    if (len < CMSG_HDR_BYTES || len > b.length - off) return 'invalid';
    out.push({ level: v.getInt32(off + 8, true), type: v.getInt32(off + 12, true), data: b.slice(off + CMSG_HDR_BYTES, off + len) });
    off += cmsgAlign(len);
  }
  return out;
}

/**
 * Control messages packed into at most `roomBytes`, as put_cmsg does: a message that does not
 * fit whole is left out and `truncated` is set (MSG_CTRUNC).
 */
export function emitControl(msgs: readonly ControlMessage[], roomBytes: number): { bytes: Uint8Array; truncated: boolean } {
  const parts: Uint8Array[] = [];
  let used = 0;
  let truncated = false;
  for (const m of msgs) {
    const len = CMSG_HDR_BYTES + m.data.length;
    if (used + len > roomBytes) {
      truncated = true;
      break;
    }
    const part = new Uint8Array(Math.min(cmsgAlign(len), roomBytes - used));
    const v = new DataView(part.buffer);
    v.setBigUint64(0, BigInt(len), true);
    v.setInt32(8, m.level, true);
    v.setInt32(12, m.type, true);
    part.set(m.data, CMSG_HDR_BYTES);
    parts.push(part);
    used += part.length;
  }
  const bytes = new Uint8Array(used);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, truncated };
}
