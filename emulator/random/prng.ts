// The one source of randomness: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// Components never share a stream: each forks its own by name, and a fork depends only on
// the parent's seed and the name, so adding a component never shifts another's numbers.

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface PrngState {
  seed: number;
  s: [number, number, number, number];
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(readonly seed: number) {
    const st = { s: seed >>> 0 };
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A child stream named `name`: independent of how much this stream has been used. */
  fork(name: string): Prng {
    const st = { s: (this.seed ^ hashName(name)) >>> 0 };
    return new Prng((splitmix32(st) ^ Math.imul(hashName(name), 0x27d4eb2d)) >>> 0);
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!(n > 0 && n <= 0x100000000)) throw new Error(`prng: range ${n} out of bounds`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (let i = 0; i < 64; i++) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
    return this.nextU32() % n;
  }

  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 4) {
      let x = this.nextU32();
      for (let j = 0; j < 4 && i + j < bytes.length; j++, x >>>= 8) bytes[i + j] = x & 0xff;
    }
  }

  save(): PrngState {
    return { seed: this.seed, s: [this.s0, this.s1, this.s2, this.s3] };
  }

  static restore(state: PrngState): Prng {
    const p = new Prng(state.seed);
    [p.s0, p.s1, p.s2, p.s3] = state.s;
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
