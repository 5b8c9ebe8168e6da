// Pure text formatting shared by the echo/printf applets and the shell's builtins of the
// same names: backslash escapes and printf conversions as BusyBox implements them.

/** Backslash escapes; stops at \c (returned as stop=true). `echoStyle` takes \0NNN octal as echo -e does. */
export function unescape(s: string, echoStyle: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (n in simple) out += simple[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (n === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if (/[0-7]/.test(n)) {
      const maxDigits = echoStyle && n === '0' ? 4 : 3;
      const m = /^[0-7]+/.exec(s.slice(i, i + maxDigits))![0];
      out += String.fromCharCode(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

/** echo [-neE] ARGS: the output text. */
export function echoText(args: readonly string[]): string {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!/^-[neE]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const u = unescape(text, true);
    if (u.stop) return u.text;
    text = u.text;
  }
  return newline ? `${text}\n` : text;
}

export interface PrintfResult {
  out: string;
  errors: string[];
  status: number;
}

function parseNumber(arg: string, errors: string[]): number {
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  const t = arg.trim();
  if (t === '') return 0;
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(t)) {
    const neg = t.startsWith('-');
    const body = t.replace(/^[-+]/, '');
    const v = /^0[xX]/.test(body) ? parseInt(body, 16) : /^0[0-7]/.test(body) ? parseInt(body, 8) : Number(body);
    return neg ? -v : v;
  }
  if (/^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
  errors.push(`invalid number '${arg}'`);
  return 0;
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[-+ ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

interface Spec {
  flags: string;
  width: number;
  precision: number | undefined;
  conv: string;
}

/** toFixed with C's rounding of exact binary ties to even (printf "%.1f" 2.25 → 2.2). */
export function fixedC(v: number, p: number): string {
  const scaled = v * 10 ** p;
  if (Number.isFinite(scaled) && Math.abs(scaled) < 2 ** 52 && !Number.isInteger(scaled) && Number.isInteger(scaled * 2) && scaled / 10 ** p === v) {
    const lo = Math.floor(scaled);
    const even = lo % 2 === 0 ? lo : lo + 1;
    return (even / 10 ** p).toFixed(p);
  }
  return v.toFixed(p);
}

function formatFloat(v: number, spec: Spec): string {
  const p = spec.precision ?? 6;
  const c = spec.conv;
  if (c === 'f' || c === 'F') return fixedC(v, p);
  if (c === 'e' || c === 'E') {
    const s = v.toExponential(p).replace(/e([-+])(\d)$/, 'e$10$2');
    return c === 'E' ? s.toUpperCase() : s;
  }
  const P = p === 0 ? 1 : p;
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  let s: string;
  if (exp < -4 || exp >= P) s = v.toExponential(P - 1).replace(/\.?0+e/, 'e').replace(/e([-+])(\d)$/, 'e$10$2');
  else s = v.toFixed(Math.max(0, P - 1 - exp)).replace(/\.0*$|(\.\d*?)0+$/, '$1');
  return c === 'G' ? s.toUpperCase() : s;
}

function convert(spec: Spec, arg: string | undefined, errors: string[]): { text: string; stop: boolean } {
  const left = spec.flags.includes('-');
  const zero = spec.flags.includes('0') && !left;
  const a = arg ?? '';
  let body: string;
  switch (spec.conv) {
    case 's':
      body = spec.precision === undefined ? a : a.slice(0, spec.precision);
      return { text: pad(body, spec.width, left, false), stop: false };
    case 'b': {
      const u = unescape(a, true);
      body = spec.precision === undefined ? u.text : u.text.slice(0, spec.precision);
      return { text: pad(body, spec.width, left, false), stop: u.stop };
    }
    case 'c':
      return { text: pad(a.slice(0, 1), spec.width, left, false), stop: false };
    case 'd':
    case 'i':
    case 'o':
    case 'u':
    case 'x':
    case 'X': {
      const v = Math.trunc(arg === undefined ? 0 : parseNumber(a, errors));
      const base = spec.conv === 'o' ? 8 : spec.conv === 'x' || spec.conv === 'X' ? 16 : 10;
      const unsigned = base !== 10 || spec.conv === 'u';
      const mag = unsigned && v < 0 ? BigInt.asUintN(64, BigInt(v)) : BigInt(Math.abs(v));
      let digits = mag.toString(base);
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
      if (spec.conv === 'X') digits = digits.toUpperCase();
      if (spec.flags.includes('#') && base === 16 && v !== 0) digits = (spec.conv === 'X' ? '0X' : '0x') + digits;
      if (spec.flags.includes('#') && base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
      const sign = !unsigned && v < 0 ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
      return { text: pad(sign + digits, spec.width, left, zero && spec.precision === undefined), stop: false };
    }
    default: {
      const v = arg === undefined ? 0 : parseNumber(a, errors);
      const s = formatFloat(v, spec);
      const sign = v >= 0 && spec.flags.includes('+') ? '+' : v >= 0 && spec.flags.includes(' ') ? ' ' : '';
      return { text: pad(sign + s, spec.width, left, zero), stop: false };
    }
  }
}

const SPEC_RE = /^%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([diouxXeEfFgGcsb%])/;

/** printf FORMAT [ARGS...]: the format is reused while arguments remain. */
export function printfText(format: string, args: readonly string[]): PrintfResult {
  const errors: string[] = [];
  let out = '';
  let ai = 0;
  for (let round = 0; round < 100_000; round++) {
    const startAi = ai;
    for (let i = 0; i < format.length; ) {
      const c = format[i]!;
      if (c === '\\') {
        const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i))?.[0] ?? '\\';
        const u = unescape(m, false);
        out += u.text;
        if (u.stop) return { out, errors, status: errors.length > 0 ? 1 : 0 };
        i += m.length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      const m = SPEC_RE.exec(format.slice(i));
      if (!m) {
        const bad = /^%[-+ #0]*[0-9.*]*.?/s.exec(format.slice(i))![0];
        return { out, errors: [...errors, `${bad}: invalid format`], status: 1 };
      }
      i += m[0].length;
      if (m[4] === '%') {
        out += '%';
        continue;
      }
      const width = m[2] === '*' ? parseNumber(args[ai++] ?? '0', errors) : Number(m[2] ?? 0);
      const precRaw = m[3] === '*' ? String(parseNumber(args[ai++] ?? '0', errors)) : m[3];
      const spec: Spec = {
        flags: m[1]! + (width < 0 ? '-' : ''),
        width: Math.abs(width),
        precision: precRaw === undefined ? undefined : Number(precRaw || 0),
        conv: m[4]!,
      };
      const r = convert(spec, args[ai++], errors);
      out += r.text;
      if (r.stop) return { out, errors, status: errors.length > 0 ? 1 : 0 };
    }
    if (ai >= args.length || ai === startAi) break;
  }
  return { out, errors, status: errors.length > 0 ? 1 : 0 };
}
