// virtio-gpu wire structures (virtio 1.1 §5.7.6): the control header, the 2D commands and the
// responses, all little-endian. Pure parse/emit functions: parsers return undefined when the
// driver's buffer is shorter than the structure, which the device answers with ERR_UNSPEC.

export const DEVICE_ID_GPU = 16;

export const VIRTIO_GPU_F_VIRGL = 1n << 0n;
export const VIRTIO_GPU_F_EDID = 1n << 1n;

export const VIRTIO_GPU_EVENT_DISPLAY = 1;
export const VIRTIO_GPU_MAX_SCANOUTS = 16;
export const GPU_CONFIG_BYTES = 16;

export const CMD = {
  GET_DISPLAY_INFO: 0x0100,
  RESOURCE_CREATE_2D: 0x0101,
  RESOURCE_UNREF: 0x0102,
  SET_SCANOUT: 0x0103,
  RESOURCE_FLUSH: 0x0104,
  TRANSFER_TO_HOST_2D: 0x0105,
  RESOURCE_ATTACH_BACKING: 0x0106,
  RESOURCE_DETACH_BACKING: 0x0107,
  GET_CAPSET_INFO: 0x0108,
  GET_CAPSET: 0x0109,
  GET_EDID: 0x010a,
  RESOURCE_CREATE_BLOB: 0x010c,
  SET_SCANOUT_BLOB: 0x010d,
  CTX_CREATE: 0x0200,
  SUBMIT_3D: 0x0207,
  UPDATE_CURSOR: 0x0300,
  MOVE_CURSOR: 0x0301,
} as const;

export const RESP = {
  OK_NODATA: 0x1100,
  OK_DISPLAY_INFO: 0x1101,
  OK_EDID: 0x1104,
  ERR_UNSPEC: 0x1200,
  ERR_OUT_OF_MEMORY: 0x1201,
  ERR_INVALID_SCANOUT_ID: 0x1202,
  ERR_INVALID_RESOURCE_ID: 0x1203,
  ERR_INVALID_CONTEXT_ID: 0x1204,
  ERR_INVALID_PARAMETER: 0x1205,
} as const;

export const VIRTIO_GPU_FLAG_FENCE = 1;
/** virtio 1.2: ring_idx in the header is meaningful (only with CONTEXT_INIT, never offered here). */
export const VIRTIO_GPU_FLAG_INFO_RING_IDX = 2;

export const CTRL_HDR_BYTES = 24;
export const RECT_BYTES = 16;
export const MEM_ENTRY_BYTES = 16;
export const DISPLAY_INFO_RESP_BYTES = CTRL_HDR_BYTES + VIRTIO_GPU_MAX_SCANOUTS * 24;
export const EDID_RESP_BYTES = CTRL_HDR_BYTES + 8 + 1024;

export interface CtrlHdr {
  type: number;
  flags: number;
  fenceId: bigint;
  ctxId: number;
  ringIdx: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ResourceCreate2d { resourceId: number; format: number; width: number; height: number }
export interface ResourceRef { resourceId: number }
export interface SetScanout { r: Rect; scanoutId: number; resourceId: number }
export interface ResourceFlush { r: Rect; resourceId: number }
export interface TransferToHost2d { r: Rect; offset: bigint; resourceId: number }
export interface AttachBacking { resourceId: number; nrEntries: number }
export interface MemEntry { addr: bigint; length: number }
export interface GetEdid { scanoutId: number }
export interface CursorPos { scanoutId: number; x: number; y: number }
export interface UpdateCursor { pos: CursorPos; resourceId: number; hotX: number; hotY: number }

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function parseCtrlHdr(b: Uint8Array): CtrlHdr | undefined {
  if (b.length < CTRL_HDR_BYTES) return undefined;
  const v = view(b);
  return { type: v.getUint32(0, true), flags: v.getUint32(4, true), fenceId: v.getBigUint64(8, true), ctxId: v.getUint32(16, true), ringIdx: v.getUint8(20) };
}

export function emitCtrlHdr(h: CtrlHdr, into = new Uint8Array(CTRL_HDR_BYTES)): Uint8Array {
  const v = view(into);
  v.setUint32(0, h.type, true);
  v.setUint32(4, h.flags, true);
  v.setBigUint64(8, h.fenceId, true);
  v.setUint32(16, h.ctxId, true);
  v.setUint8(20, h.ringIdx);
  return into;
}

function rectAt(v: DataView, at: number): Rect {
  return { x: v.getUint32(at, true), y: v.getUint32(at + 4, true), width: v.getUint32(at + 8, true), height: v.getUint32(at + 12, true) };
}

function putRect(v: DataView, at: number, r: Rect): void {
  v.setUint32(at, r.x, true);
  v.setUint32(at + 4, r.y, true);
  v.setUint32(at + 8, r.width, true);
  v.setUint32(at + 12, r.height, true);
}

/** Body parsers take the whole request (header included), as the structs in the spec embed it. */
export function parseResourceCreate2d(b: Uint8Array): ResourceCreate2d | undefined {
  if (b.length < CTRL_HDR_BYTES + 16) return undefined;
  const v = view(b);
  return { resourceId: v.getUint32(24, true), format: v.getUint32(28, true), width: v.getUint32(32, true), height: v.getUint32(36, true) };
}

/** RESOURCE_UNREF and RESOURCE_DETACH_BACKING: {resource_id, padding}. */
export function parseResourceRef(b: Uint8Array): ResourceRef | undefined {
  if (b.length < CTRL_HDR_BYTES + 8) return undefined;
  return { resourceId: view(b).getUint32(24, true) };
}

export function parseSetScanout(b: Uint8Array): SetScanout | undefined {
  if (b.length < CTRL_HDR_BYTES + RECT_BYTES + 8) return undefined;
  const v = view(b);
  return { r: rectAt(v, 24), scanoutId: v.getUint32(40, true), resourceId: v.getUint32(44, true) };
}

export function parseResourceFlush(b: Uint8Array): ResourceFlush | undefined {
  if (b.length < CTRL_HDR_BYTES + RECT_BYTES + 8) return undefined;
  const v = view(b);
  return { r: rectAt(v, 24), resourceId: v.getUint32(40, true) };
}

export function parseTransferToHost2d(b: Uint8Array): TransferToHost2d | undefined {
  if (b.length < CTRL_HDR_BYTES + RECT_BYTES + 16) return undefined;
  const v = view(b);
  return { r: rectAt(v, 24), offset: v.getBigUint64(40, true), resourceId: v.getUint32(48, true) };
}

export function parseAttachBacking(b: Uint8Array): AttachBacking | undefined {
  if (b.length < CTRL_HDR_BYTES + 8) return undefined;
  const v = view(b);
  return { resourceId: v.getUint32(24, true), nrEntries: v.getUint32(28, true) };
}

export function parseMemEntries(b: Uint8Array, count: number): MemEntry[] | undefined {
  if (b.length < count * MEM_ENTRY_BYTES) return undefined;
  const v = view(b);
  const out: MemEntry[] = [];
  for (let i = 0; i < count; i++) out.push({ addr: v.getBigUint64(i * 16, true), length: v.getUint32(i * 16 + 8, true) });
  return out;
}

export function parseGetEdid(b: Uint8Array): GetEdid | undefined {
  if (b.length < CTRL_HDR_BYTES + 8) return undefined;
  return { scanoutId: view(b).getUint32(24, true) };
}

export function parseUpdateCursor(b: Uint8Array): UpdateCursor | undefined {
  if (b.length < CTRL_HDR_BYTES + 32) return undefined;
  const v = view(b);
  return {
    pos: { scanoutId: v.getUint32(24, true), x: v.getUint32(28, true), y: v.getUint32(32, true) },
    resourceId: v.getUint32(40, true), hotX: v.getUint32(44, true), hotY: v.getUint32(48, true),
  };
}

export interface DisplayMode { r: Rect; enabled: boolean }

export function emitDisplayInfo(hdr: CtrlHdr, modes: readonly DisplayMode[]): Uint8Array {
  const b = new Uint8Array(DISPLAY_INFO_RESP_BYTES);
  emitCtrlHdr(hdr, b);
  const v = view(b);
  modes.slice(0, VIRTIO_GPU_MAX_SCANOUTS).forEach((m, i) => {
    putRect(v, 24 + i * 24, m.r);
    v.setUint32(24 + i * 24 + 16, m.enabled ? 1 : 0, true);
  });
  return b;
}

export function emitEdidResp(hdr: CtrlHdr, edid: Uint8Array): Uint8Array {
  const b = new Uint8Array(EDID_RESP_BYTES);
  emitCtrlHdr(hdr, b);
  view(b).setUint32(24, Math.min(edid.length, 1024), true);
  b.set(edid.subarray(0, 1024), 32);
  return b;
}

/** Request builders, the driver's side of the same structures (tests, benches, guest drivers). */
export function emitRequest(hdr: CtrlHdr, words: ReadonlyArray<number | bigint>): Uint8Array {
  const size = words.reduce<number>((n, w) => n + (typeof w === 'bigint' ? 8 : 4), CTRL_HDR_BYTES);
  const b = new Uint8Array(size);
  emitCtrlHdr(hdr, b);
  const v = view(b);
  let at = CTRL_HDR_BYTES;
  for (const w of words) {
    if (typeof w === 'bigint') {
      v.setBigUint64(at, w, true);
      at += 8;
    } else {
      v.setUint32(at, w >>> 0, true);
      at += 4;
    }
  }
  return b;
}

export function rectWords(r: Rect): number[] {
  return [r.x, r.y, r.width, r.height];
}
