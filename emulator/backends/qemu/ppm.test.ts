import { describe, expect, it } from 'vitest';
import { parsePpm } from './ppm';

const enc = (s: string) => new TextEncoder().encode(s);

describe('parsePpm', () => {
  it('reads a P6 header with a comment and the RGB triples after it', () => {
    const img = new Uint8Array([...enc('P6\n# QEMU\n2 1\n255\n'), 1, 2, 3, 250, 251, 252]);
    expect(parsePpm(img)).toEqual({ widthPx: 2, heightPx: 1, rgb: new Uint8Array([1, 2, 3, 250, 251, 252]) });
  });

  it('scales a smaller maxval to 0..255', () => {
    const r = parsePpm(new Uint8Array([...enc('P6 1 1 15 '), 15, 0, 5]));
    expect(r).toEqual({ widthPx: 1, heightPx: 1, rgb: new Uint8Array([255, 0, 85]) });
  });

  it('answers malformed input with a message', () => {
    expect(parsePpm(enc('P3 1 1 255 0 0 0'))).toMatch(/not a binary PPM/);
    expect(parsePpm(enc('P6 0 1 255 '))).toMatch(/bad PPM header/);
    expect(parsePpm(enc('P6 2 2 255 abc'))).toMatch(/data short/);
    expect(parsePpm(new Uint8Array(0))).toMatch(/not a binary PPM/);
  });
});
