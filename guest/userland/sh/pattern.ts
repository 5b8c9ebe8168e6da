// Shell pattern matching (XCU 2.13): *, ?, bracket expressions with ! or ^ negation and
// [:class:] names, backslash quoting. Used by case, ${x#pat} and pathname expansion.

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** A bracket expression starting at pat[i] === '['; returns [regex source, next index] or undefined if unterminated. */
function bracket(pat: string, i: number): [string, number] | undefined {
  let j = i + 1;
  let negate = false;
  if (pat[j] === '!' || pat[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < pat.length && (pat[j] !== ']' || first)) {
    first = false;
    const c = pat[j]!;
    if (c === '[' && pat[j + 1] === ':') {
      const end = pat.indexOf(':]', j + 2);
      const cls = end > 0 ? CLASSES[pat.slice(j + 2, end)] : undefined;
      if (cls !== undefined) {
        body += cls;
        j = end + 2;
        continue;
      }
    }
    if (c === '\\' && j + 1 < pat.length) {
      body += escapeRe(pat[j + 1]!);
      j += 2;
      continue;
    }
    body += c === '-' ? '-' : escapeRe(c);
    j++;
  }
  if (j >= pat.length) return undefined;
  return [`[${negate ? '^' : ''}${body}]`, j + 1];
}

/** Regex source for a shell pattern (unanchored). */
export function patternSource(pat: string): string {
  let out = '';
  for (let i = 0; i < pat.length; ) {
    const c = pat[i]!;
    if (c === '*') {
      out += '[\\s\\S]*';
      i++;
    } else if (c === '?') {
      out += '[\\s\\S]';
      i++;
    } else if (c === '[') {
      const b = bracket(pat, i);
      if (b) {
        out += b[0];
        i = b[1];
      } else {
        out += '\\[';
        i++;
      }
    } else if (c === '\\' && i + 1 < pat.length) {
      out += escapeRe(pat[i + 1]!);
      i += 2;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  return out;
}

/** The anchored RegExp for a pattern; one the engine rejects matches only its literal text. */
function anchored(pat: string): RegExp {
  try {
    return new RegExp(`^(?:${patternSource(pat)})$`, 'u');
  } catch {
    return new RegExp(`^${[...unescapePattern(pat)].map(escapeRe).join('')}$`, 'u');
  }
}

export function patternMatch(pat: string, text: string): boolean {
  return anchored(pat).test(text);
}

/** True if the pattern has unquoted special characters (so pathname expansion applies). */
export function hasGlobChars(pat: string): boolean {
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** Removes pattern quoting: the literal text a quoted pattern stands for. */
export function unescapePattern(pat: string): string {
  return pat.replace(/\\([\s\S])/g, '$1');
}

/** ${x#p} (shortest prefix), ${x##p} (longest), ${x%p}, ${x%%p}. */
export function trimPattern(value: string, pat: string, op: '#' | '##' | '%' | '%%'): string {
  const re = anchored(pat);
  const n = value.length;
  if (op === '#') {
    for (let k = 0; k <= n; k++) if (re.test(value.slice(0, k))) return value.slice(k);
  } else if (op === '##') {
    for (let k = n; k >= 0; k--) if (re.test(value.slice(0, k))) return value.slice(k);
  } else if (op === '%') {
    for (let k = n; k >= 0; k--) if (re.test(value.slice(k))) return value.slice(0, k);
  } else {
    for (let k = 0; k <= n; k++) if (re.test(value.slice(k))) return value.slice(0, k);
  }
  return value;
}

/** ${x/pat/rep} (first, longest match) and ${x//pat/rep} (all). */
export function replacePattern(value: string, pat: string, rep: string, mode: '/' | '//'): string {
  const re = anchored(pat);
  const n = value.length;
  const longestAt = (start: number): number => {
    for (let end = n; end >= start; end--) if (re.test(value.slice(start, end))) return end;
    return -1;
  };
  let out = '';
  let i = 0;
  while (i <= n) {
    const end = i < n || pat === '' ? longestAt(i) : -1;
    if (end > i) {
      out += rep;
      i = end;
      if (mode === '/') return out + value.slice(i);
      continue;
    }
    if (i < n) out += value[i];
    i++;
  }
  return out;
}
