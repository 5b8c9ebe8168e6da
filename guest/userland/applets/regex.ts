// POSIX regular expressions (basic and extended, with the GNU \+ \? \| extensions BusyBox's
// libc accepts) translated to JavaScript RegExp source.

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
};

/** A bracket expression at re[i] === '['; returns [source, next index]. */
function bracket(re: string, i: number): [string, number] {
  let j = i + 1;
  let out = '[';
  if (re[j] === '^') {
    out += '^';
    j++;
  }
  if (re[j] === ']') {
    out += '\\]';
    j++;
  }
  while (j < re.length && re[j] !== ']') {
    if (re[j] === '[' && re[j + 1] === ':') {
      const end = re.indexOf(':]', j + 2);
      const cls = end > 0 ? CLASSES[re.slice(j + 2, end)] : undefined;
      if (cls !== undefined) {
        out += cls;
        j = end + 2;
        continue;
      }
    }
    const c = re[j]!;
    out += c === '\\' || c === '[' ? `\\${c}` : c;
    j++;
  }
  return [`${out}]`, j + 1];
}

export function posixToJs(re: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < re.length; ) {
    const c = re[i]!;
    if (c === '[') {
      const [src, next] = bracket(re, i);
      out += src;
      i = next;
      continue;
    }
    if (c === '\\' && i + 1 < re.length) {
      const n = re[i + 1]!;
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (/[0-9wWsSbB<>]/.test(n)) out += n === '<' || n === '>' ? '\\b' : `\\${n}`;
      else out += `\\${n}`;
      i += 2;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) out += `\\${c}`;
    else if (c === '*' && (out === '' || out.endsWith('(') || out.endsWith('|') || out === '^')) out += '\\*';
    else if (c === '/') out += '\\/';
    else out += c;
    i++;
  }
  return out;
}

/** A RegExp for a POSIX pattern, or an error message. */
export function compile(re: string, extended: boolean, flags: string): RegExp | string {
  try {
    return new RegExp(posixToJs(re, extended), flags);
  } catch {
    return `bad regex '${re}'`;
  }
}
