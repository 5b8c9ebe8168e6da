// GGUF v3 data model (ggml's gguf.md): a header, ordered metadata key/values, tensor infos, then
// aligned tensor data. Plain values only; parse.ts and emit.ts convert them to and from bytes.

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGML_MAX_DIMS = 4;

/** Metadata value type codes, as written in the file. */
export const GGUF_VALUE_TYPE = {
  uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6,
  bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12,
} as const;
export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE;

export type GgufNumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export type GgufValue =
  | { type: GgufNumberType; value: number }
  | { type: 'uint64' | 'int64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: GgufValueTypeName; items: GgufValue[] };

export interface GgufKv {
  key: string;
  value: GgufValue;
}

/** ggml tensor types twinbox reads and writes (codes from ggml.h's enum ggml_type). */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPE;
export type GgmlType = (typeof GGML_TYPE)[GgmlTypeName];

/** Elements per block and bytes per block of each type (ggml's type traits). */
export const GGML_BLOCK: Record<GgmlType, { elements: number; bytes: number }> = {
  0: { elements: 1, bytes: 4 },
  1: { elements: 1, bytes: 2 },
  2: { elements: 32, bytes: 18 },
  8: { elements: 32, bytes: 34 },
};

export function ggmlTypeName(t: GgmlType): GgmlTypeName {
  return t === 0 ? 'F32' : t === 1 ? 'F16' : t === 2 ? 'Q4_0' : 'Q8_0';
}

export function isGgmlType(t: number): t is GgmlType {
  return t === 0 || t === 1 || t === 2 || t === 8;
}

/** Bytes a tensor of `elementCount` elements takes, or -1 if it is not a whole number of blocks. */
export function tensorSizeBytes(type: GgmlType, elementCount: number): number {
  const b = GGML_BLOCK[type];
  if (elementCount % b.elements !== 0) return -1;
  return (elementCount / b.elements) * b.bytes;
}

/** A tensor as described in the file; dims[0] (ne0) is the fastest-varying dimension. */
export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: GgmlType;
  /** Offset of the data from the start of the data section. */
  offset: number;
}

export interface GgufFile {
  version: number;
  metadata: GgufKv[];
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset of the data section. */
  dataOffset: number;
  bytes: Uint8Array;
}

/** A tensor to write: its bytes are already in the ggml layout of its type. */
export interface GgufTensorOut {
  name: string;
  dims: number[];
  type: GgmlType;
  data: Uint8Array;
}

export interface GgufParseError {
  offset: number;
  message: string;
}

export type GgufResult<T> = { ok: true; value: T } | { ok: false; error: GgufParseError };

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function findKv(file: { metadata: GgufKv[] }, key: string): GgufValue | undefined {
  for (const kv of file.metadata) if (kv.key === key) return kv.value;
  return undefined;
}

export function tensorData(file: GgufFile, t: GgufTensorInfo): Uint8Array {
  const size = tensorSizeBytes(t.type, elementCount(t.dims));
  const start = file.dataOffset + t.offset;
  return file.bytes.subarray(start, start + size);
}
