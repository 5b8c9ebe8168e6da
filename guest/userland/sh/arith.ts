// Shell arithmetic $(( )) (XCU 2.6.4, ash's math.c): C operators on signed 64-bit
// integers, variables by name (unset or empty = 0), assignment operators, ?:, and
// decimal/octal/hex constants. Errors are values, in ash's wording.

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export type ArithResult = { value: bigint } | { error: string };

const BINARY: ReadonlyArray<readonly string[]> = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<=', '>=', '<', '>'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
  ['**'],
];
const ASSIGN_OPS = ['<<=', '>>=', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '='];
const TOKEN_RE = /\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|<<=|>>=|\*\*|\+\+|--|\|\||&&|==|!=|<=|>=|<<|>>|[+\-*/%&^|]=|[-+*/%()<>=!~?:&^|,])/y;

class ArithError {
  constructor(readonly message: string) {}
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

class Evaluator {
  private toks: string[] = [];
  private i = 0;

  constructor(
    src: string,
    private readonly vars: ArithVars,
    private readonly depth = 0,
  ) {
    TOKEN_RE.lastIndex = 0;
    let pos = 0;
    while (pos < src.length) {
      if (/^\s*$/.test(src.slice(pos))) break;
      TOKEN_RE.lastIndex = pos;
      const m = TOKEN_RE.exec(src);
      if (!m) throw new ArithError('arithmetic syntax error');
      this.toks.push(m[1]!);
      pos = TOKEN_RE.lastIndex;
    }
  }

  run(): bigint {
    if (this.toks.length === 0) return 0n;
    const v = this.comma(true);
    if (this.i < this.toks.length) throw new ArithError('arithmetic syntax error');
    return v;
  }

  private peek(): string | undefined {
    return this.toks[this.i];
  }

  private comma(live: boolean): bigint {
    let v = this.assign(live);
    while (this.peek() === ',') {
      this.i++;
      v = this.assign(live);
    }
    return v;
  }

  private assign(live: boolean): bigint {
    const name = this.peek();
    const op = this.toks[this.i + 1];
    if (name !== undefined && /^[A-Za-z_]/.test(name) && op !== undefined && ASSIGN_OPS.includes(op)) {
      this.i += 2;
      const rhs = this.assign(live);
      if (!live) return rhs;
      const v = op === '=' ? rhs : this.apply(op.slice(0, -1), this.varValue(name), rhs);
      this.vars.set(name, wrap(v).toString());
      return wrap(v);
    }
    return this.ternary(live);
  }

  private ternary(live: boolean): bigint {
    const c = this.binary(0, live);
    if (this.peek() !== '?') return c;
    this.i++;
    const a = this.assign(live && c !== 0n);
    if (this.peek() !== ':') throw new ArithError('arithmetic syntax error');
    this.i++;
    const b = this.assign(live && c === 0n);
    return c !== 0n ? a : b;
  }

  private binary(level: number, live: boolean): bigint {
    if (level >= BINARY.length) return this.unary(live);
    let v = this.binary(level + 1, live);
    for (;;) {
      const op = this.peek();
      if (op === undefined || !BINARY[level]!.includes(op)) return v;
      this.i++;
      if (op === '&&' || op === '||') {
        const short = op === '&&' ? v === 0n : v !== 0n;
        const r = this.binary(level + 1, live && !short);
        v = short ? (op === '||' ? 1n : 0n) : r !== 0n ? 1n : 0n;
      } else {
        const r = this.binary(level + 1, live);
        v = live ? this.apply(op, v, r) : 0n;
      }
    }
  }

  private apply(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) throw new ArithError('divide by zero');
        return wrap(op === '/' ? a / b : a % b);
      case '**': {
        if (b < 0n) throw new ArithError('exponent less than 0');
        let r = 1n;
        for (let base = a, e = b; e > 0n; e >>= 1n, base = wrap(base * base)) if (e & 1n) r = wrap(r * base);
        return r;
      }
      case '<<': return wrap(a << (b & 63n));
      case '>>': return wrap(a >> (b & 63n));
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '==': return a === b ? 1n : 0n;
      case '!=': return a !== b ? 1n : 0n;
      case '<': return a < b ? 1n : 0n;
      case '>': return a > b ? 1n : 0n;
      case '<=': return a <= b ? 1n : 0n;
      case '>=': return a >= b ? 1n : 0n;
      default: throw new ArithError('arithmetic syntax error');
    }
  }

  private unary(live: boolean): bigint {
    const t = this.peek();
    if (t === '-' || t === '+' || t === '!' || t === '~') {
      this.i++;
      const v = this.unary(live);
      if (t === '-') return wrap(-v);
      if (t === '!') return v === 0n ? 1n : 0n;
      if (t === '~') return ~v;
      return v;
    }
    if (t === '++' || t === '--') {
      this.i++;
      const name = this.peek();
      if (name === undefined || !/^[A-Za-z_]/.test(name)) throw new ArithError('arithmetic syntax error');
      this.i++;
      const v = wrap(this.varValue(name) + (t === '++' ? 1n : -1n));
      if (live) this.vars.set(name, v.toString());
      return v;
    }
    return this.postfix(live);
  }

  private postfix(live: boolean): bigint {
    const t = this.peek();
    if (t === undefined) throw new ArithError('arithmetic syntax error');
    this.i++;
    if (t === '(') {
      const v = this.comma(live);
      if (this.peek() !== ')') throw new ArithError('arithmetic syntax error');
      this.i++;
      return v;
    }
    if (/^[0-9]/.test(t)) return parseConstant(t);
    if (/^[A-Za-z_]/.test(t)) {
      const v = this.varValue(t);
      const op = this.peek();
      if (op === '++' || op === '--') {
        this.i++;
        if (live) this.vars.set(t, wrap(v + (op === '++' ? 1n : -1n)).toString());
      }
      return v;
    }
    throw new ArithError('arithmetic syntax error');
  }

  private varValue(name: string): bigint {
    const raw = (this.vars.get(name) ?? '').trim();
    if (raw === '') return 0n;
    if (/^[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(raw)) {
      const neg = raw.startsWith('-');
      const v = parseConstant(raw.replace(/^[-+]/, ''));
      return neg ? wrap(-v) : v;
    }
    // A variable holding an expression is evaluated in turn, as ash does; bounded.
    if (this.depth >= 10) throw new ArithError('arithmetic syntax error');
    return new Evaluator(raw, this.vars, this.depth + 1).run();
  }
}

function parseConstant(t: string): bigint {
  if (/^0[xX]/.test(t)) return wrap(BigInt(t));
  if (/^0[0-7]+$/.test(t)) return wrap(BigInt(`0o${t.slice(1)}`));
  if (/^[0-9]+$/.test(t) && !/^0[0-9]/.test(t)) return wrap(BigInt(t));
  throw new ArithError('arithmetic syntax error');
}

export function evaluate(src: string, vars: ArithVars): ArithResult {
  try {
    return { value: new Evaluator(src, vars).run() };
  } catch (e) {
    if (e instanceof ArithError) return { error: e.message };
    throw e;
  }
}
