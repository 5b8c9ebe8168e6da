// GGUF v3 writer: header, metadata in the given order, tensor infos, zero padding up to the
// alignment, then each tensor's data at an aligned offset. general.alignment in the metadata, if
// present, sets the alignment, as ggml's reader expects.

import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPE, GGUF_VERSION,
  elementCount, findKv, tensorSizeBytes,
} from './types';
import type { GgufKv, GgufTensorOut, GgufValue } from './types';

class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1; }
  i8(v: number): void { this.reserve(1); this.view.setInt8(this.length, v); this.length += 1; }
  u16(v: number): void { this.reserve(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number): void { this.reserve(2); this.view.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number): void { this.reserve(4); this.view.setInt32(this.length, v, true); this.length += 4; }
  f32(v: number): void { this.reserve(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number): void { this.reserve(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  u64(v: bigint | number): void { this.reserve(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  i64(v: bigint): void { this.reserve(8); this.view.setBigInt64(this.length, v, true); this.length += 8; }
  bytes(b: Uint8Array): void { this.reserve(b.length); this.buf.set(b, this.length); this.length += b.length; }
  pad(alignment: number): void {
    const n = (alignment - (this.length % alignment)) % alignment;
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

function emitValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'uint8': return sink.u8(v.value);
    case 'int8': return sink.i8(v.value);
    case 'uint16': return sink.u16(v.value);
    case 'int16': return sink.i16(v.value);
    case 'uint32': return sink.u32(v.value);
    case 'int32': return sink.i32(v.value);
    case 'float32': return sink.f32(v.value);
    case 'float64': return sink.f64(v.value);
    case 'uint64': return sink.u64(v.value);
    case 'int64': return sink.i64(v.value);
    case 'bool': return sink.u8(v.value ? 1 : 0);
    case 'string': return sink.string(v.value);
    case 'array':
      sink.u32(GGUF_VALUE_TYPE[v.itemType]);
      sink.u64(v.items.length);
      for (const item of v.items) {
        if (item.type !== v.itemType) throw new Error(`gguf emit: array of ${v.itemType} holds a ${item.type}`);
        emitValue(sink, item);
      }
  }
}

export function alignmentOf(metadata: GgufKv[]): number {
  const a = findKv({ metadata }, 'general.alignment');
  if (a === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (a.type !== 'uint32' || a.value === 0 || (a.value & (a.value - 1)) !== 0) {
    throw new Error('gguf emit: general.alignment must be a uint32 power of two');
  }
  return a.value;
}

/** Serialises a GGUF v3 file. Throws only on a host-side bug (inconsistent input values). */
export function emitGguf(metadata: GgufKv[], tensors: GgufTensorOut[]): Uint8Array {
  const alignment = alignmentOf(metadata);
  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const kv of metadata) {
    sink.string(kv.key);
    sink.u32(GGUF_VALUE_TYPE[kv.value.type]);
    emitValue(sink, kv.value);
  }
  let offset = 0;
  for (const t of tensors) {
    const size = tensorSizeBytes(t.type, elementCount(t.dims));
    if (size !== t.data.length) throw new Error(`gguf emit: ${t.name} has ${t.data.length} bytes, expected ${size}`);
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(t.type);
    sink.u64(offset);
    offset += size + ((alignment - (size % alignment)) % alignment);
  }
  sink.pad(alignment);
  for (const t of tensors) {
    sink.bytes(t.data);
    sink.pad(alignment);
  }
  return sink.result();
}
