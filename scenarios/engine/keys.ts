// Turning `send` text into console bytes. `keys` uses caret notation for control
// characters as terminals print them: `^C` is ETX (0x03), `^[` ESC, `^?` DEL, `^@` NUL,
// and `^^` a literal caret. A caret before anything else is an error, not a guess.

export type KeysResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

export function parseKeys(text: string): KeysResult {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c !== '^') {
      out.push(...utf8.encode(c));
      continue;
    }
    const next = chars[i + 1];
    i++;
    if (next === undefined) return { ok: false, error: `'^' at the end of keys '${text}'` };
    if (next === '^') out.push(0x5e);
    else if (next === '?') out.push(0x7f);
    else {
      const code = next.toUpperCase().charCodeAt(0);
      if (code < 0x40 || code > 0x5f) return { ok: false, error: `'^${next}' is not a control character in keys '${text}'` };
      out.push(code - 0x40);
    }
  }
  return { ok: true, bytes: Uint8Array.from(out) };
}

/** A `send` line: the text and a newline, as Enter on a piped console sends it. */
export function lineBytes(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\n`);
}
