// SentencePiece ("llama") tokenization as llama.cpp performs it: spaces become "▁", an optional
// leading "▁", the text splits into UTF-8 characters, adjacent symbols merge while their
// concatenation is a vocabulary piece (highest score first, leftmost on ties), and what is left
// that is not a piece falls back to <0xNN> byte tokens. Decoding reverses the "▁" escape for
// ordinary pieces and emits raw bytes for byte tokens; control tokens decode to nothing.

import { findKv } from './gguf/types';
import type { GgufFile, GgufValue } from './gguf/types';
import { SPM_SPACE, TOKEN_TYPE, byteTokenText } from './vocab';

export interface TokenizerSpec {
  tokens: string[];
  scores: number[];
  types: number[];
  bos: number;
  eos: number;
  unk: number;
  addBos: boolean;
  addSpacePrefix: boolean;
}

const MAX_TEXT_BYTES = 1 << 20;
const MAX_DECODE_TOKENS = 1 << 20;

export class SpmTokenizer {
  private readonly ids = new Map<string, number>();
  private readonly byteIds: number[] = [];
  private readonly encoder = new TextEncoder();

  constructor(readonly spec: TokenizerSpec) {
    spec.tokens.forEach((t, i) => {
      if (!this.ids.has(t)) this.ids.set(t, i);
    });
    for (let b = 0; b < 256; b++) this.byteIds.push(this.ids.get(byteTokenText(b)) ?? spec.unk);
  }

  get vocabSize(): number {
    return this.spec.tokens.length;
  }

  /** Token ids of `text`, with <s> first when the model asks for it and `addBos` is not false. */
  encode(text: string, addBos = this.spec.addBos): number[] | string {
    const out: number[] = addBos ? [this.spec.bos] : [];
    if (text.length === 0) return out;
    if (this.encoder.encode(text).length > MAX_TEXT_BYTES) return `tokenizer: text longer than ${MAX_TEXT_BYTES} bytes`;
    const escaped = (this.spec.addSpacePrefix ? ' ' : '') + text;
    const symbols = Array.from(escaped.replaceAll(' ', SPM_SPACE));
    this.merge(symbols);
    for (const s of symbols) {
      const id = this.ids.get(s);
      if (id !== undefined) out.push(id);
      else for (const b of this.encoder.encode(s)) out.push(this.byteIds[b]!);
    }
    return out;
  }

  private merge(symbols: string[]): void {
    for (;;) {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const id = this.ids.get(symbols[i]! + symbols[i + 1]!);
        if (id === undefined) continue;
        const score = this.spec.scores[id] ?? 0;
        if (score > bestScore) {
          best = i;
          bestScore = score;
        }
      }
      if (best < 0) return;
      symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
    }
  }

  /** The bytes a token stands for, as llama.cpp's token_to_piece gives them. */
  tokenBytes(id: number): Uint8Array {
    const text = this.spec.tokens[id];
    const type = this.spec.types[id] ?? TOKEN_TYPE.NORMAL;
    if (text === undefined || type === TOKEN_TYPE.CONTROL || type === TOKEN_TYPE.UNKNOWN || type === TOKEN_TYPE.UNUSED) {
      return new Uint8Array(0);
    }
    if (type === TOKEN_TYPE.BYTE) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
      return m ? Uint8Array.of(parseInt(m[1]!, 16)) : new Uint8Array(0);
    }
    return this.encoder.encode(text.replaceAll(SPM_SPACE, ' '));
  }

  /** Text of a token sequence; invalid UTF-8 becomes U+FFFD. */
  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const id of ids.slice(0, MAX_DECODE_TOKENS)) {
      const b = this.tokenBytes(id);
      parts.push(b);
      size += b.length;
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(all);
  }
}

function stringArray(v: GgufValue | undefined): string[] | null {
  if (v?.type !== 'array' || v.itemType !== 'string') return null;
  return v.items.map((i) => (i.type === 'string' ? i.value : ''));
}

function numberArray(v: GgufValue | undefined): number[] | null {
  if (v?.type !== 'array') return null;
  return v.items.map((i) => (i.type !== 'array' && typeof i.value === 'number' ? i.value : 0));
}

function idOf(v: GgufValue | undefined, fallback: number): number {
  return v !== undefined && v.type !== 'array' && typeof v.value === 'number' ? v.value : fallback;
}

function boolOf(v: GgufValue | undefined, fallback: boolean): boolean {
  return v?.type === 'bool' ? v.value : fallback;
}

/** The tokenizer a GGUF file describes, or why there is none. */
export function tokenizerFromGguf(file: GgufFile): SpmTokenizer | string {
  const model = findKv(file, 'tokenizer.ggml.model');
  if (model?.type !== 'string' || model.value !== 'llama') return 'tokenizer: only tokenizer.ggml.model = "llama" (SentencePiece) is supported';
  const tokens = stringArray(findKv(file, 'tokenizer.ggml.tokens'));
  if (tokens === null || tokens.length === 0) return 'tokenizer: tokenizer.ggml.tokens missing or not a string array';
  const scores = numberArray(findKv(file, 'tokenizer.ggml.scores')) ?? tokens.map(() => 0);
  const types = numberArray(findKv(file, 'tokenizer.ggml.token_type')) ?? tokens.map(() => TOKEN_TYPE.NORMAL);
  const spec: TokenizerSpec = {
    tokens, scores, types,
    unk: idOf(findKv(file, 'tokenizer.ggml.unknown_token_id'), 0),
    bos: idOf(findKv(file, 'tokenizer.ggml.bos_token_id'), 1),
    eos: idOf(findKv(file, 'tokenizer.ggml.eos_token_id'), 2),
    addBos: boolOf(findKv(file, 'tokenizer.ggml.add_bos_token'), true),
    addSpacePrefix: boolOf(findKv(file, 'tokenizer.ggml.add_space_prefix'), true),
  };
  for (const id of [spec.unk, spec.bos, spec.eos]) {
    if (!Number.isInteger(id) || id < 0 || id >= tokens.length) return `tokenizer: special token id ${id} outside the vocabulary`;
  }
  return new SpmTokenizer(spec);
}
