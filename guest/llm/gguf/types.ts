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

/** ggml tensor types twinbox computes with (codes from ggml.h's enum ggml_type). */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPE;
export type GgmlType = (typeof GGML_TYPE)[GgmlTypeName];

/**
 * Every ggml type a GGUF file may hold, with its block: elements per block and bytes per block
 * (ggml's type traits). The reader accepts all of them so any model can be listed and its tensors
 * located; the engine computes only with the four GGML_TYPE ones.
 */
const GGML_TYPE_TRAITS: ReadonlyMap<number, { name: string; elements: number; bytes: number }> = new Map([
  [0, { name: 'F32', elements: 1, bytes: 4 }], [1, { name: 'F16', elements: 1, bytes: 2 }],
  [2, { name: 'Q4_0', elements: 32, bytes: 18 }], [3, { name: 'Q4_1', elements: 32, bytes: 20 }],
  [6, { name: 'Q5_0', elements: 32, bytes: 22 }], [7, { name: 'Q5_1', elements: 32, bytes: 24 }],
  [8, { name: 'Q8_0', elements: 32, bytes: 34 }], [9, { name: 'Q8_1', elements: 32, bytes: 36 }],
  [10, { name: 'Q2_K', elements: 256, bytes: 84 }], [11, { name: 'Q3_K', elements: 256, bytes: 110 }],
  [12, { name: 'Q4_K', elements: 256, bytes: 144 }], [13, { name: 'Q5_K', elements: 256, bytes: 176 }],
  [14, { name: 'Q6_K', elements: 256, bytes: 210 }], [15, { name: 'Q8_K', elements: 256, bytes: 292 }],
  [16, { name: 'IQ2_XXS', elements: 256, bytes: 66 }], [17, { name: 'IQ2_XS', elements: 256, bytes: 74 }],
  [18, { name: 'IQ3_XXS', elements: 256, bytes: 98 }], [19, { name: 'IQ1_S', elements: 256, bytes: 50 }],
  [20, { name: 'IQ4_NL', elements: 32, bytes: 18 }], [21, { name: 'IQ3_S', elements: 256, bytes: 110 }],
  [22, { name: 'IQ2_S', elements: 256, bytes: 82 }], [23, { name: 'IQ4_XS', elements: 256, bytes: 136 }],
  [24, { name: 'I8', elements: 1, bytes: 1 }], [25, { name: 'I16', elements: 1, bytes: 2 }],
  [26, { name: 'I32', elements: 1, bytes: 4 }], [27, { name: 'I64', elements: 1, bytes: 8 }],
  [28, { name: 'F64', elements: 1, bytes: 8 }], [29, { name: 'IQ1_M', elements: 256, bytes: 56 }],
  [30, { name: 'BF16', elements: 1, bytes: 2 }], [34, { name: 'TQ1_0', elements: 256, bytes: 54 }],
  [35, { name: 'TQ2_0', elements: 256, bytes: 66 }], [39, { name: 'MXFP4', elements: 32, bytes: 17 }],
]);

export function ggmlTypeName(t: number): string {
  return GGML_TYPE_TRAITS.get(t)?.name ?? `type ${t}`;
}

/** A type twinbox's engine and writer handle. */
export function isGgmlType(t: number): t is GgmlType {
  return t === 0 || t === 1 || t === 2 || t === 8;
}

/** A type a GGUF file may legitimately hold. */
export function isKnownGgmlType(t: number): boolean {
  return GGML_TYPE_TRAITS.has(t);
}

export function blockElements(t: number): number {
  return GGML_TYPE_TRAITS.get(t)?.elements ?? 1;
}

/** Bytes a tensor of `elementCount` elements takes, or -1 for an unknown type or a partial block. */
export function tensorSizeBytes(type: number, elementCount: number): number {
  const b = GGML_TYPE_TRAITS.get(type);
  if (b === undefined || elementCount % b.elements !== 0) return -1;
  return (elementCount / b.elements) * b.bytes;
}

/** A tensor as described in the file; dims[0] (ne0) is the fastest-varying dimension. */
export interface GgufTensorInfo {
  name: string;
  dims: number[];
  /** Any known ggml type (isKnownGgmlType); the engine needs isGgmlType. */
  type: number;
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
  type: number;
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
