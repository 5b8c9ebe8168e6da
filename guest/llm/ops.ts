// The element-wise pieces of a llama block, with ggml's float rounding points (Math.fround where
// ggml holds a float) so results stay within summation-order noise of llama.cpp.

/** out = x / sqrt(mean(x^2) + eps) * weight, for `count` rows of weight.length. */
export function rmsNorm(x: Float32Array, weight: Float32Array, eps: number, count: number, out: Float32Array): void {
  const n = weight.length;
  for (let t = 0; t < count; t++) {
    const base = t * n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.fround(x[base + i]! * x[base + i]!);
    const mean = Math.fround(sum / n);
    const scale = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(mean + eps))));
    for (let i = 0; i < n; i++) out[base + i] = Math.fround(x[base + i]! * scale) * weight[i]!;
  }
}

/**
 * RoPE as llama.cpp applies it to the llama architecture (LLAMA_ROPE_TYPE_NORM): each head's
 * adjacent pairs (x[2i], x[2i+1]) rotate by pos * base^(-2i/ropeDims). ggml builds the angles by
 * repeated float multiplication (theta *= theta_scale), reproduced here for the same rounding.
 */
export class RopeTable {
  readonly cos: Float32Array;
  readonly sin: Float32Array;
  private readonly half: number;

  constructor(maxPositions: number, readonly ropeDims: number, freqBase: number) {
    this.half = ropeDims / 2;
    this.cos = new Float32Array(maxPositions * this.half);
    this.sin = new Float32Array(maxPositions * this.half);
    const thetaScale = Math.fround(Math.pow(freqBase, -2 / ropeDims));
    for (let p = 0; p < maxPositions; p++) {
      let theta = Math.fround(p);
      for (let i = 0; i < this.half; i++) {
        this.cos[p * this.half + i] = Math.cos(theta);
        this.sin[p * this.half + i] = Math.sin(theta);
        theta = Math.fround(theta * thetaScale);
      }
    }
  }

  /** Rotates `heads` heads of `headDim` starting at x[offset], for position `pos`. */
  apply(x: Float32Array, offset: number, heads: number, headDim: number, pos: number): void {
    const c0 = pos * this.half;
    for (let h = 0; h < heads; h++) {
      const base = offset + h * headDim;
      for (let i = 0; i < this.half; i++) {
        const c = this.cos[c0 + i]!;
        const s = this.sin[c0 + i]!;
        const x0 = x[base + 2 * i]!;
        const x1 = x[base + 2 * i + 1]!;
        x[base + 2 * i] = x0 * c - x1 * s;
        x[base + 2 * i + 1] = x0 * s + x1 * c;
      }
    }
  }
}

/** In-place softmax of xs[0, n). */
export function softmax(xs: Float32Array, n: number): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (xs[i]! > max) max = xs[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.fround(Math.exp(xs[i]! - max));
    xs[i] = e;
    sum += e;
  }
  const inv = Math.fround(1 / sum);
  for (let i = 0; i < n; i++) xs[i] = xs[i]! * inv;
}

/** SwiGLU: gate[i] = silu(gate[i]) * up[i]. */
export function swiglu(gate: Float32Array, up: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i]!;
    gate[i] = Math.fround(g / (1 + Math.exp(-g))) * up[i]!;
  }
}
