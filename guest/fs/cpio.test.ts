import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { emitCpio, parseCpio } from './cpio';

const enc = (s: string) => new TextEncoder().encode(s);

describe('cpio newc', () => {
  it('parses the exact header layout (literal bytes)', () => {
    // One file "a" with content "hi": header fields in hex, name padded to 4, data padded to 4.
    const header = '070701' + ['00000001', '000081a4', '00000000', '00000000', '00000001', '00000000', '00000002',
      '00000000', '00000000', '00000000', '00000000', '00000002', '00000000'].join('');
    const bytes = new Uint8Array([...enc(header), 0x61, 0, 0x68, 0x69, 0, 0]);
    const r = parseCpio(bytes);
    expect(r.ok).toBe(true);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].name).toBe('a');
    expect(r.entries[0].mode).toBe(0o100644);
    expect(Buffer.from(r.entries[0].data).toString()).toBe('hi');
  });

  it('round-trips through emit, gzip and concatenation', () => {
    const a = emitCpio([{ name: 'dir', mode: 0o40755, data: new Uint8Array(0) }, { name: 'dir/f', mode: 0o100600, data: enc('xyz') }]);
    const b = emitCpio([{ name: 'g', mode: 0o120777, data: enc('dir/f') }]);
    const r = parseCpio(new Uint8Array([...a, ...b]));
    expect(r.entries.map((e) => e.name)).toEqual(['dir', 'dir/f', 'g']);
    const z = parseCpio(new Uint8Array(gzipSync(a)));
    expect(z.entries.map((e) => e.name)).toEqual(['dir', 'dir/f']);
  });

  it('reports malformed input without throwing', () => {
    expect(parseCpio(enc('070701zz')).ok).toBe(false);
    expect(parseCpio(new Uint8Array([0x1f, 0x8b, 1, 2, 3])).ok).toBe(false);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const r = parseCpio(bytes);
      expect(typeof r.ok).toBe('boolean');
    }));
  });

  it('checks the trailer and the real cpio tool format', () => {
    const archive = emitCpio([{ name: 'x', mode: 0o100644, data: enc('1') }]);
    expect(Buffer.from(archive).toString('latin1')).toContain('TRAILER!!!');
    expect(archive.length % 4).toBe(0);
  });
});
