import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { emitGguf } from './emit';
import { parseGguf } from './parse';
import { GGML_TYPE, findKv, tensorData } from './types';
import type { GgufKv, GgufTensorOut, GgufValue } from './types';
import { quantizeQ8_0 } from './quant';

function sampleMetadata(): GgufKv[] {
  const strings = (xs: string[]): GgufValue => ({ type: 'array', itemType: 'string', items: xs.map((value) => ({ type: 'string', value })) });
  return [
    { key: 'general.architecture', value: { type: 'string', value: 'llama' } },
    { key: 'u8', value: { type: 'uint8', value: 255 } },
    { key: 'i8', value: { type: 'int8', value: -128 } },
    { key: 'u16', value: { type: 'uint16', value: 65535 } },
    { key: 'i16', value: { type: 'int16', value: -2 } },
    { key: 'u32', value: { type: 'uint32', value: 0xdeadbeef } },
    { key: 'i32', value: { type: 'int32', value: -7 } },
    { key: 'f32', value: { type: 'float32', value: 1.5 } },
    { key: 'f64', value: { type: 'float64', value: Math.PI } },
    { key: 'u64', value: { type: 'uint64', value: 0xffffffffffffffffn } },
    { key: 'i64', value: { type: 'int64', value: -5n } },
    { key: 'bool', value: { type: 'bool', value: true } },
    { key: 'tokens', value: strings(['<s>', 'h\u00e9llo', '\u2581']) },
    { key: 'nested', value: { type: 'array', itemType: 'array', items: [{ type: 'array', itemType: 'int32', items: [{ type: 'int32', value: 3 }] }] } },
  ];
}

function sampleTensors(): GgufTensorOut[] {
  const f32 = new Float32Array([1, 2, 3, 4, 5, 6]);
  return [
    { name: 'a', dims: [3, 2], type: GGML_TYPE.F32, data: new Uint8Array(f32.buffer) },
    { name: 'b', dims: [64], type: GGML_TYPE.Q8_0, data: quantizeQ8_0(new Float32Array(64).fill(0.25)) },
  ];
}

const scalar: fc.Arbitrary<GgufValue> = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((value) => ({ type: 'uint8' as const, value })),
  fc.integer({ min: -128, max: 127 }).map((value) => ({ type: 'int8' as const, value })),
  fc.integer({ min: 0, max: 65535 }).map((value) => ({ type: 'uint16' as const, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: 'int16' as const, value })),
  fc.nat().map((value) => ({ type: 'uint32' as const, value })),
  fc.integer().map((value) => ({ type: 'int32' as const, value })),
  fc.float().map((value) => ({ type: 'float32' as const, value })),
  fc.double().map((value) => ({ type: 'float64' as const, value })),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((value) => ({ type: 'uint64' as const, value })),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((value) => ({ type: 'int64' as const, value })),
  fc.boolean().map((value) => ({ type: 'bool' as const, value })),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((value) => ({ type: 'string' as const, value })),
);
const metaValue: fc.Arbitrary<GgufValue> = fc.oneof(
  scalar,
  scalar.chain((first) => fc.array(scalar.filter((v) => v.type === first.type), { maxLength: 4 })
    .map((rest): GgufValue => ({ type: 'array', itemType: first.type, items: [first, ...rest] }))),
);

describe('gguf', () => {
  it('round trips any metadata: parse(emit(m)) = m, and emit again gives the same bytes', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.record({ key: fc.string({ maxLength: 10 }), value: metaValue }), { selector: (kv) => kv.key, maxLength: 6 }), (md) => {
      const bytes = emitGguf(md, []);
      const parsed = parseGguf(bytes);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(parsed.value.metadata).toEqual(md);
      expect(emitGguf(parsed.value.metadata, [])).toEqual(bytes);
    }), { seed: 42, numRuns: 300 });
  });

  it('starts with the GGUF v3 header', () => {
    const bytes = emitGguf(sampleMetadata(), sampleTensors());
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0]);
    expect(new DataView(bytes.buffer).getBigUint64(8, true)).toBe(2n);
    expect(new DataView(bytes.buffer).getBigUint64(16, true)).toBe(14n);
  });

  it('round trips: emit -> parse -> emit gives identical bytes', () => {
    const bytes = emitGguf(sampleMetadata(), sampleTensors());
    const parsed = parseGguf(bytes);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const f = parsed.value;
    expect(f.metadata).toEqual(sampleMetadata());
    expect(f.tensors.map((t) => [t.name, t.dims, t.type, t.offset])).toEqual([['a', [3, 2], 0, 0], ['b', [64], 8, 32]]);
    expect(f.dataOffset % 32).toBe(0);
    const again = emitGguf(f.metadata, f.tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type, data: tensorData(f, t) })));
    expect(again).toEqual(bytes);
  });

  it('honours general.alignment', () => {
    const md: GgufKv[] = [{ key: 'general.alignment', value: { type: 'uint32', value: 64 } }];
    const parsed = parseGguf(emitGguf(md, sampleTensors()));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.alignment).toBe(64);
    expect(parsed.value.dataOffset % 64).toBe(0);
    expect(parsed.value.tensors[1]!.offset).toBe(64);
    expect(findKv(parsed.value, 'general.alignment')).toEqual({ type: 'uint32', value: 64 });
  });

  it('reads tensors of any ggml type (here Q4_K: 256 elements per 144-byte block)', () => {
    const t = { name: 'k', dims: [512, 2], type: 12, data: new Uint8Array(4 * 144).fill(7) };
    const bytes = emitGguf([], [t]);
    const parsed = parseGguf(bytes);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(tensorData(parsed.value, parsed.value.tensors[0]!)).toEqual(t.data);
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(24 + 8 + 1 + 4 + 16, 33, true); // type field of tensor 'k'
    expect(parseGguf(bad)).toEqual({ ok: false, error: { offset: 53, message: 'tensor k: unknown ggml type 33' } });
  });

  it('names the offset and the problem of a malformed file', () => {
    const bytes = emitGguf(sampleMetadata(), sampleTensors());
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    expect(parseGguf(badMagic)).toEqual({ ok: false, error: { offset: 0, message: 'not a GGUF file (bad magic)' } });
    const truncated = parseGguf(bytes.subarray(0, bytes.length - 40));
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.error.message).toMatch(/tensor b: data .* runs past the end/);
    const hugeCount = bytes.slice();
    new DataView(hugeCount.buffer).setBigUint64(16, 1n << 40n, true);
    const r = parseGguf(hugeCount);
    expect(r).toEqual({ ok: false, error: { offset: 16, message: '1099511627776 metadata entries cannot fit' } });
  });

  it('never throws on mutated or truncated files', () => {
    const base = emitGguf(sampleMetadata(), sampleTensors());
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(base.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
        fc.nat(base.length),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(cut, 1));
          for (const e of edits) if (e.at < bytes.length) bytes[e.at] = e.value;
          const r = parseGguf(bytes);
          if (!r.ok) {
            expect(r.error.offset).toBeGreaterThanOrEqual(0);
            expect(r.error.message).not.toMatch(/internal parser error/);
          }
        },
      ),
      { numRuns: 2000, seed: 9 },
    );
  });
});
