// GGUF v3 reader. Every count and length is checked against the bytes that remain before anything
// is allocated, so a hostile file costs at most its own size; any problem comes back as an error
// value naming the file offset, never as an exception.

import {
  GGML_MAX_DIMS, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPE,
  blockElements, elementCount, isKnownGgmlType, tensorSizeBytes,
} from './types';
import type { GgufFile, GgufKv, GgufResult, GgufTensorInfo, GgufValue, GgufValueTypeName } from './types';

const MAX_ARRAY_DEPTH = 8;
const TYPE_NAMES = Object.keys(GGUF_VALUE_TYPE) as GgufValueTypeName[];

class ParseFailure {
  constructor(readonly offset: number, readonly message: string) {}
}

class Cursor {
  pos = 0;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string, at = this.pos): never {
    throw new ParseFailure(at, message);
  }
  remaining(): number { return this.bytes.length - this.pos; }
  need(n: number, what: string): void {
    if (n > this.remaining()) this.fail(`${what}: needs ${n} bytes, ${this.remaining()} left`);
  }
  private take(n: number, what: string): number {
    this.need(n, what);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(what: string): number { return this.view.getUint8(this.take(1, what)); }
  i8(what: string): number { return this.view.getInt8(this.take(1, what)); }
  u16(what: string): number { return this.view.getUint16(this.take(2, what), true); }
  i16(what: string): number { return this.view.getInt16(this.take(2, what), true); }
  u32(what: string): number { return this.view.getUint32(this.take(4, what), true); }
  i32(what: string): number { return this.view.getInt32(this.take(4, what), true); }
  f32(what: string): number { return this.view.getFloat32(this.take(4, what), true); }
  f64(what: string): number { return this.view.getFloat64(this.take(8, what), true); }
  u64big(what: string): bigint { return this.view.getBigUint64(this.take(8, what), true); }
  i64(what: string): bigint { return this.view.getBigInt64(this.take(8, what), true); }
  /** A u64 that must fit in a JS number (counts, sizes, offsets). */
  u64(what: string): number {
    const at = this.pos;
    const v = this.u64big(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what}: ${v} is too large`, at);
    return Number(v);
  }
  string(what: string): string {
    const at = this.pos;
    const n = this.u64(`${what} length`);
    this.need(n, what);
    try {
      const s = this.decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
      this.pos += n;
      return s;
    } catch {
      return this.fail(`${what}: not valid UTF-8`, at);
    }
  }
}

function readValue(c: Cursor, type: GgufValueTypeName, depth: number, what: string): GgufValue {
  switch (type) {
    case 'uint8': return { type, value: c.u8(what) };
    case 'int8': return { type, value: c.i8(what) };
    case 'uint16': return { type, value: c.u16(what) };
    case 'int16': return { type, value: c.i16(what) };
    case 'uint32': return { type, value: c.u32(what) };
    case 'int32': return { type, value: c.i32(what) };
    case 'float32': return { type, value: c.f32(what) };
    case 'float64': return { type, value: c.f64(what) };
    case 'uint64': return { type, value: c.u64big(what) };
    case 'int64': return { type, value: c.i64(what) };
    case 'string': return { type, value: c.string(what) };
    case 'bool': {
      const at = c.pos;
      const b = c.u8(what);
      if (b > 1) c.fail(`${what}: bool byte ${b} is neither 0 nor 1`, at);
      return { type, value: b === 1 };
    }
    case 'array': return readArray(c, depth, what);
  }
}

function readTypeCode(c: Cursor, what: string): GgufValueTypeName {
  const at = c.pos;
  const code = c.u32(what);
  const name = TYPE_NAMES[code];
  if (name === undefined) c.fail(`${what}: unknown value type ${code}`, at);
  return name;
}

function readArray(c: Cursor, depth: number, what: string): GgufValue {
  if (depth >= MAX_ARRAY_DEPTH) c.fail(`${what}: arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
  const itemType = readTypeCode(c, `${what} item type`);
  const at = c.pos;
  const count = c.u64(`${what} count`);
  // Every item takes at least one byte, so a count beyond the rest of the file is a lie.
  if (count > c.remaining()) c.fail(`${what}: ${count} items cannot fit in ${c.remaining()} bytes`, at);
  const items: GgufValue[] = [];
  for (let i = 0; i < count; i++) items.push(readValue(c, itemType, depth + 1, `${what}[${i}]`));
  return { type: 'array', itemType, items };
}

function readTensorInfo(c: Cursor, index: number): GgufTensorInfo {
  const name = c.string(`tensor ${index} name`);
  const dimsAt = c.pos;
  const nDims = c.u32(`tensor ${name} n_dims`);
  if (nDims < 1 || nDims > GGML_MAX_DIMS) c.fail(`tensor ${name}: ${nDims} dimensions (1..${GGML_MAX_DIMS})`, dimsAt);
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) {
    const at = c.pos;
    const n = c.u64(`tensor ${name} dim ${d}`);
    if (n < 1 || n > 0x7fffffff) c.fail(`tensor ${name}: dimension ${d} is ${n}`, at);
    dims.push(n);
  }
  const typeAt = c.pos;
  const type = c.u32(`tensor ${name} type`);
  if (!isKnownGgmlType(type)) c.fail(`tensor ${name}: unknown ggml type ${type}`, typeAt);
  if (elementCount(dims) > Number.MAX_SAFE_INTEGER) c.fail(`tensor ${name}: too many elements`, dimsAt);
  if (tensorSizeBytes(type, elementCount(dims)) < 0 || dims[0]! % blockElements(type) !== 0) {
    c.fail(`tensor ${name}: row of ${dims[0]} elements is not a whole number of blocks`, dimsAt);
  }
  const offset = c.u64(`tensor ${name} offset`);
  return { name, dims, type, offset };
}

function parseAlignment(metadata: GgufKv[]): number | string {
  const kv = metadata.find((m) => m.key === 'general.alignment');
  if (kv === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const v = kv.value;
  if (v.type !== 'uint32' || v.value === 0 || (v.value & (v.value - 1)) !== 0) {
    return 'general.alignment must be a uint32 power of two';
  }
  return v.value;
}

function parseOrThrow(bytes: Uint8Array): GgufFile {
  const c = new Cursor(bytes);
  if (c.u32('magic') !== GGUF_MAGIC) c.fail('not a GGUF file (bad magic)', 0);
  const version = c.u32('version');
  if (version !== 3) c.fail(`GGUF version ${version} is not supported (only 3)`, 4);
  const tensorCount = c.u64('tensor count');
  const kvCount = c.u64('metadata count');
  if (kvCount > c.remaining() / 12) c.fail(`${kvCount} metadata entries cannot fit`, 16);
  if (tensorCount > c.remaining() / 24) c.fail(`${tensorCount} tensors cannot fit`, 8);
  const metadata: GgufKv[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const at = c.pos;
    const key = c.string(`metadata ${i} key`);
    if (keys.has(key)) c.fail(`duplicate metadata key ${key}`, at);
    keys.add(key);
    const type = readTypeCode(c, `metadata ${key} type`);
    metadata.push({ key, value: readValue(c, type, 0, `metadata ${key}`) });
  }
  const alignment = parseAlignment(metadata);
  if (typeof alignment === 'string') return c.fail(alignment, 24);
  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const at = c.pos;
    const t = readTensorInfo(c, i);
    if (names.has(t.name)) c.fail(`duplicate tensor name ${t.name}`, at);
    names.add(t.name);
    tensors.push(t);
  }
  const dataOffset = c.pos + ((alignment - (c.pos % alignment)) % alignment);
  checkTensorData(c, tensors, dataOffset, alignment);
  return { version, metadata, tensors, alignment, dataOffset, bytes };
}

function checkTensorData(c: Cursor, tensors: GgufTensorInfo[], dataOffset: number, alignment: number): void {
  for (const t of tensors) {
    const size = tensorSizeBytes(t.type, elementCount(t.dims));
    if (t.offset % alignment !== 0) c.fail(`tensor ${t.name}: data offset ${t.offset} is not aligned to ${alignment}`, dataOffset);
    if (dataOffset + t.offset + size > c.bytes.length) {
      c.fail(`tensor ${t.name}: data [${t.offset}, +${size}) runs past the end of the file`, dataOffset + t.offset);
    }
  }
}

export function parseGguf(bytes: Uint8Array): GgufResult<GgufFile> {
  try {
    return { ok: true, value: parseOrThrow(bytes) };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: { offset: e.offset, message: e.message } };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { offset: -1, message: `internal parser error: ${message}` } };
  }
}

export function formatGgufError(e: { offset: number; message: string }): string {
  return `GGUF offset ${e.offset}: ${e.message}`;
}
