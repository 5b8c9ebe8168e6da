// The byte-level SentencePiece ("llama") vocabulary twinbox's models carry: <unk>, <s>, </s>, the 256
// byte-fallback tokens <0x00>..<0xFF>, and U+2581 "▁" (SentencePiece's escaped space) as the one
// ordinary piece. Every string tokenizes (bytes fall back), and llama.cpp accepts it as is.

/** llama.cpp's token attribute codes (enum llama_token_type in the GGUF metadata). */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export const SPM_SPACE = '\u2581';

export interface VocabEntry {
  text: string;
  score: number;
  type: number;
}

export const BYTE_VOCAB_UNK = 0;
export const BYTE_VOCAB_BOS = 1;
export const BYTE_VOCAB_EOS = 2;
export const BYTE_VOCAB_FIRST_BYTE = 3;

export function byteTokenText(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

export function byteVocabulary(): VocabEntry[] {
  const v: VocabEntry[] = [
    { text: '<unk>', score: 0, type: TOKEN_TYPE.UNKNOWN },
    { text: '<s>', score: 0, type: TOKEN_TYPE.CONTROL },
    { text: '</s>', score: 0, type: TOKEN_TYPE.CONTROL },
  ];
  for (let b = 0; b < 256; b++) v.push({ text: byteTokenText(b), score: 0, type: TOKEN_TYPE.BYTE });
  v.push({ text: SPM_SPACE, score: -1, type: TOKEN_TYPE.NORMAL });
  return v;
}
