// Splits a command-line string into words the way a POSIX shell would for the quoting users put
// in a profile's `qemu:` line ('...', "...", backslash escapes). No expansion of any kind: `$HOME`
// and globs stay literal, so a profile means the same thing on every machine.

import { err, ok, type Result } from './result';

const MAX_WORDS = 4096;

export function splitShellWords(text: string): Result<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] ?? '')) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
    if (words.length > MAX_WORDS) return err(`more than ${MAX_WORDS} words`);
  }
  if (quote !== undefined) return err(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(word);
  return ok(words);
}

/** Quotes a word only when the shell would otherwise split or change it. */
export function quoteShellWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
