// Instruction templates per decoder class for the oracle snippets. x28 is the scratch pointer
// and x27 a helper the memory templates set first; the rest are fair game.
import type { SnippetGen } from './snippets';

type Tpl = (g: SnippetGen) => string[];

const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];
const x = (g: SnippetGen): string => `x${g.pick([...Array(27).keys(), 29, 30])}`;
const w = (g: SnippetGen): string => `w${g.pick([...Array(27).keys(), 29, 30])}`;
const xz = (g: SnippetGen): string => (g.int(8) === 0 ? 'xzr' : x(g));
const v = (g: SnippetGen): number => g.int(32);

/** A random valid logical immediate: a rotated run of ones replicated over the element size. */
function bitmask(g: SnippetGen, size: 32 | 64): string {
  const esize = g.pick([2, 4, 8, 16, 32, 64].filter((e) => e <= size));
  const ones = 1 + g.int(esize - 1);
  const rot = g.int(esize);
  const emask = (1n << BigInt(esize)) - 1n;
  let e = (1n << BigInt(ones)) - 1n;
  e = ((e >> BigInt(rot)) | (e << BigInt(esize - rot))) & emask;
  let out = 0n;
  for (let i = 0; i < size; i += esize) out |= e << BigInt(i);
  return `#0x${out.toString(16)}`;
}

export const INT_TEMPLATES: Record<string, Tpl> = {
  addsubShift: (g) => {
    const op = g.pick(['add', 'adds', 'sub', 'subs']);
    const sf = g.int(2) === 1;
    const sh = g.pick(['lsl', 'lsr', 'asr']);
    return sf ? [`${op} ${x(g)}, ${x(g)}, ${x(g)}, ${sh} #${g.int(64)}`] : [`${op} ${w(g)}, ${w(g)}, ${w(g)}, ${sh} #${g.int(32)}`];
  },
  addsubImm: (g) => {
    const op = g.pick(['add', 'adds', 'sub', 'subs', 'cmp', 'cmn']);
    const sf = g.int(2) === 1;
    const r = sf ? x : w;
    const imm = `#${g.int(4096)}${g.int(2) ? ', lsl #12' : ''}`;
    return op.startsWith('c') ? [`${op} ${r(g)}, ${imm}`] : [`${op} ${r(g)}, ${r(g)}, ${imm}`];
  },
  addsubExt: (g) => {
    const op = g.pick(['add', 'adds', 'sub', 'subs']);
    const ext = g.pick(['uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw']);
    return g.int(3) === 0 ? [`${op} ${x(g)}, ${x(g)}, ${x(g)}, ${g.pick(['uxtx', 'sxtx'])} #${g.int(5)}`] : [`${op} ${x(g)}, ${x(g)}, ${w(g)}, ${ext} #${g.int(5)}`];
  },
  logicalReg: (g) => {
    const op = g.pick(['and', 'orr', 'eor', 'ands', 'bic', 'orn', 'eon', 'bics']);
    const sh = g.pick(['lsl', 'lsr', 'asr', 'ror']);
    return g.int(2) ? [`${op} ${x(g)}, ${xz(g)}, ${x(g)}, ${sh} #${g.int(64)}`] : [`${op} ${w(g)}, ${w(g)}, ${w(g)}, ${sh} #${g.int(32)}`];
  },
  logicalImm: (g) => {
    const op = g.pick(['and', 'orr', 'eor', 'ands']);
    return g.int(2) ? [`${op} ${x(g)}, ${x(g)}, ${bitmask(g, 64)}`] : [`${op} ${w(g)}, ${w(g)}, ${bitmask(g, 32)}`];
  },
  moveWide: (g) => {
    const op = g.pick(['movz', 'movn', 'movk']);
    return g.int(2) ? [`${op} ${x(g)}, #${g.int(65536)}, lsl #${16 * g.int(4)}`] : [`${op} ${w(g)}, #${g.int(65536)}, lsl #${16 * g.int(2)}`];
  },
  bitfield: (g) => {
    const op = g.pick(['ubfm', 'sbfm', 'bfm']);
    if (g.int(2)) return [`${op} ${x(g)}, ${x(g)}, #${g.int(64)}, #${g.int(64)}`];
    return [`${op} ${w(g)}, ${w(g)}, #${g.int(32)}, #${g.int(32)}`];
  },
  extractShift: (g) => {
    const k = g.int(3);
    if (k === 0) return [`extr ${x(g)}, ${x(g)}, ${x(g)}, #${g.int(64)}`];
    if (k === 1) return [`extr ${w(g)}, ${w(g)}, ${w(g)}, #${g.int(32)}`];
    return [`${g.pick(['lsl', 'lsr', 'asr', 'ror'])} ${x(g)}, ${x(g)}, #${g.int(64)}`];
  },
  condSelect: (g) => {
    const op = g.pick(['csel', 'csinc', 'csinv', 'csneg']);
    return g.int(2) ? [`${op} ${x(g)}, ${xz(g)}, ${xz(g)}, ${g.pick(COND)}`] : [`${op} ${w(g)}, ${w(g)}, ${w(g)}, ${g.pick(COND)}`];
  },
  condCompare: (g) => {
    const op = g.pick(['ccmp', 'ccmn']);
    const r = g.int(2) ? x : w;
    return g.int(2) ? [`${op} ${r(g)}, ${r(g)}, #${g.int(16)}, ${g.pick(COND)}`] : [`${op} ${r(g)}, #${g.int(32)}, #${g.int(16)}, ${g.pick(COND)}`];
  },
  adcSbc: (g) => {
    const op = g.pick(['adc', 'adcs', 'sbc', 'sbcs', 'ngc', 'ngcs']);
    const r = g.int(2) ? x : w;
    return op.startsWith('ng') ? [`${op} ${r(g)}, ${r(g)}`] : [`${op} ${r(g)}, ${r(g)}, ${r(g)}`];
  },
  multiply: (g) => {
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['madd', 'msub'])} ${x(g)}, ${x(g)}, ${x(g)}, ${x(g)}`];
    if (k === 1) return [`${g.pick(['madd', 'msub'])} ${w(g)}, ${w(g)}, ${w(g)}, ${w(g)}`];
    if (k === 2) return [`${g.pick(['smaddl', 'umaddl', 'smsubl', 'umsubl'])} ${x(g)}, ${w(g)}, ${w(g)}, ${x(g)}`];
    return [`${g.pick(['smulh', 'umulh'])} ${x(g)}, ${x(g)}, ${x(g)}`];
  },
  exclusive: (g) => {
    const a = g.int(13);
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['ldxr', 'ldaxr'])} x${a}, [x28]`, `${g.pick(['stxr', 'stlxr'])} w${a + 1}, x${a + 2}, [x28]`];
    if (k === 1) return [`${g.pick(['ldxrb', 'ldaxrh', 'ldxr'])} w${a}, [x28]`, `add w${a}, w${a}, #1`, `${g.pick(['stxrb', 'stlxrh', 'stxr'])} w${a + 1}, w${a}, [x28]`].map((l, i, all) => (i === 2 ? l.replace(/^st\w+/, all[0]!.startsWith('ldxrb') ? 'stxrb' : all[0]!.startsWith('ldaxrh') ? 'stlxrh' : 'stxr') : l));
    if (k === 2) return [`${g.pick(['ldxp', 'ldaxp'])} x${a}, x${a + 13}, [x28]`, `${g.pick(['stxp', 'stlxp'])} w${a + 1}, x${a + 2}, x${a + 3}, [x28, #0]`];
    return [`ldar ${x(g)}, [x28]`, `stlr ${w(g)}, [x28]`, `ldarb ${w(g)}, [x28]`, `stlrh ${w(g)}, [x28]`, 'clrex', `stxr w${a}, x${a + 1}, [x28]`];
  },
  divide: (g) => (g.int(2) ? [`${g.pick(['udiv', 'sdiv'])} ${x(g)}, ${x(g)}, ${x(g)}`] : [`${g.pick(['udiv', 'sdiv'])} ${w(g)}, ${w(g)}, ${w(g)}`]),
  shiftReg: (g) => {
    const op = g.pick(['lslv', 'lsrv', 'asrv', 'rorv']);
    return g.int(2) ? [`${op} ${x(g)}, ${x(g)}, ${x(g)}`] : [`${op} ${w(g)}, ${w(g)}, ${w(g)}`];
  },
  oneSource: (g) => {
    if (g.int(2)) return [`${g.pick(['clz', 'cls', 'rbit', 'rev', 'rev16', 'rev32'])} ${x(g)}, ${x(g)}`];
    return [`${g.pick(['clz', 'cls', 'rbit', 'rev', 'rev16'])} ${w(g)}, ${w(g)}`];
  },
  loadStore: (g) => {
    const k = g.int(7);
    const off8 = 8 * g.int(31);
    if (k === 0) return [`${g.pick(['ldr', 'str'])} ${x(g)}, [x28, #${off8}]`];
    if (k === 1) return [`${g.pick(['ldrb', 'strb', 'ldrsb', 'ldrh', 'strh', 'ldrsh'])} ${g.int(2) ? w(g) : x(g).replace('x', 'w')}, [x28, #${2 * g.int(120)}]`.replace(/^(ldrs[bh]) w/, (_m, op: string) => `${op} ${g.int(2) ? 'x' : 'w'}`)];
    if (k === 2) return [`${g.pick(['ldur', 'stur'])} ${x(g)}, [x28, #${g.int(240)}]`, `ldrsw ${x(g)}, [x28, #${4 * g.int(60)}]`];
    if (k === 3) return ['add x27, x28, #128', `${g.pick(['ldr', 'str'])} ${x(g)}, [x27, #${g.int(200) - 100}]${g.pick(['!', ''])}`.replace(/#(-?\d+)\]$/, '#$1]'), `ldr ${x(g)}, [x27], #${g.int(64) - 32}`];
    if (k === 4) return [`mov x27, #${g.int(30)}`, `${g.pick(['ldr', 'str'])} ${x(g)}, [x28, x27, lsl #3]`, `ldrb ${w(g)}, [x28, w27, uxtw]`, `mvn x27, x27`, `ldr ${w(g)}, [x28, x27, sxtx #2]`];
    if (k === 5) {
      // Loading one register twice is CONSTRAINED UNPREDICTABLE: use distinct targets.
      const a = g.int(13);
      return [`${g.pick(['ldp', 'stp'])} x${a}, x${a + 13}, [x28, #${8 * g.int(30)}]`, `ldpsw x${a + 1}, x${a}, [x28, #${4 * g.int(60)}]`];
    }
    const a = g.int(13);
    return ['add x27, x28, #64', `stp ${x(g)}, ${x(g)}, [x27, #-16]!`, `ldp w${a}, w${a + 14}, [x27], #${8 * g.int(8)}`];
  },
};

const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '2d'];
const vt = (g: SnippetGen, arrs = ARR): string => {
  const t = g.pick(arrs);
  return `v${v(g)}.${t}, v${v(g)}.${t}, v${v(g)}.${t}`;
};

export const FP_TEMPLATES: Record<string, Tpl> = {
  fpArith: (g) => {
    const op = g.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul']);
    const r = g.pick(['d', 's']);
    return [`${op} ${r}${v(g)}, ${r}${v(g)}, ${r}${v(g)}`];
  },
  fpFused: (g) => {
    const r = g.pick(['d', 's']);
    return [`${g.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])} ${r}${v(g)}, ${r}${v(g)}, ${r}${v(g)}, ${r}${v(g)}`];
  },
  fpRoundingMode: (g) => {
    const r = g.pick(['d', 's']);
    const op = g.pick([`fadd ${r}1, ${r}2, ${r}3`, `fsub ${r}1, ${r}2, ${r}3`, `fmul ${r}1, ${r}2, ${r}3`, `fdiv ${r}1, ${r}2, ${r}3`, `fmadd ${r}1, ${r}2, ${r}3, ${r}4`, `scvtf ${r}1, x5`, `ucvtf ${r}1, x5`, `scvtf ${r}1, x5, #${1 + g.int(40)}`, 'fcvt s1, d2', `frinti ${r}1, ${r}2`, `frintx ${r}1, ${r}2`]);
    return [`mov x27, #${g.int(4) << 22}`, 'msr fpcr, x27', op, 'msr fpcr, xzr'];
  },
  fpUnary: (g) => {
    const op = g.pick(['fsqrt', 'fabs', 'fneg', 'fmov', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti']);
    const r = g.pick(['d', 's']);
    if (g.int(4) === 0) return [g.int(2) ? `fcvt d${v(g)}, s${v(g)}` : `fcvt s${v(g)}, d${v(g)}`];
    return [`${op} ${r}${v(g)}, ${r}${v(g)}`];
  },
  fpCompare: (g) => {
    const r = g.pick(['d', 's']);
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['fcmp', 'fcmpe'])} ${r}${v(g)}, ${r}${v(g)}`];
    if (k === 1) return [`fcmp ${r}${v(g)}, #0.0`];
    if (k === 2) return [`fccmp ${r}${v(g)}, ${r}${v(g)}, #${g.int(16)}, ${g.pick(COND)}`];
    return [`fcsel ${r}${v(g)}, ${r}${v(g)}, ${r}${v(g)}, ${g.pick(COND)}`];
  },
  fpConvert: (g) => {
    const r = g.pick(['d', 's']);
    const ir = g.int(2) ? x : w;
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['scvtf', 'ucvtf'])} ${r}${v(g)}, ${ir(g)}`];
    if (k === 1) return [`${g.pick(['fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtms', 'fcvtmu', 'fcvtps', 'fcvtpu', 'fcvtas', 'fcvtau'])} ${ir(g)}, ${r}${v(g)}`];
    if (k === 2) return [`${g.pick(['scvtf', 'ucvtf'])} d${v(g)}, ${x(g)}, #${1 + g.int(64)}`, `${g.pick(['fcvtzs', 'fcvtzu'])} ${x(g)}, d${v(g)}, #${1 + g.int(64)}`];
    return [g.pick([`fmov ${x(g)}, d${v(g)}`, `fmov d${v(g)}, ${x(g)}`, `fmov ${w(g)}, s${v(g)}`, `fmov s${v(g)}, ${w(g)}`, `fmov v${v(g)}.d[1], ${x(g)}`, `fmov ${x(g)}, v${v(g)}.d[1]`, `fmov d${v(g)}, #${g.pick(['1.0', '-2.5', '0.125', '31.0', '1.9375'])}`])];
  },
};

export const SIMD_TEMPLATES: Record<string, Tpl> = {
  threeSame: (g) => {
    const op = g.pick(['add', 'sub', 'cmeq', 'cmhi', 'cmhs', 'cmgt', 'cmge', 'cmtst', 'umax', 'umin', 'smax', 'smin', 'addp', 'umaxp', 'uminp', 'smaxp', 'sminp', 'mul', 'ushl', 'sshl']);
    const no2d = ['umax', 'umin', 'smax', 'smin', 'umaxp', 'uminp', 'smaxp', 'sminp', 'mul'].includes(op);
    return [`${op} ${vt(g, no2d ? ARR.slice(0, 6) : ARR)}`];
  },
  logic: (g) => {
    const t = g.pick(['8b', '16b']);
    return [`${g.pick(['and', 'orr', 'eor', 'bic', 'orn', 'bsl', 'bit', 'bif'])} v${v(g)}.${t}, v${v(g)}.${t}, v${v(g)}.${t}`];
  },
  twoMisc: (g) => {
    const k = g.int(6);
    const t = g.pick(ARR.slice(0, 6));
    const t2 = g.pick(ARR);
    if (k === 0) return [`${g.pick(['not', 'cnt', 'rbit'])} v${v(g)}.16b, v${v(g)}.16b`];
    if (k === 1) return [`${g.pick(['rev64', 'rev32', 'rev16'])} v${v(g)}.8b, v${v(g)}.8b`, `rev64 v${v(g)}.4s, v${v(g)}.4s`];
    if (k === 2) return [`${g.pick(['cmeq', 'cmgt', 'cmge', 'cmle', 'cmlt'])} v${v(g)}.${t2}, v${v(g)}.${t2}, #0`];
    if (k === 3) return [`${g.pick(['abs', 'neg'])} v${v(g)}.${t2}, v${v(g)}.${t2}`, `${g.pick(['clz', 'cls'])} v${v(g)}.${t}, v${v(g)}.${t}`];
    if (k === 4) return [`xtn v${v(g)}.8b, v${v(g)}.8h`, `xtn2 v${v(g)}.4s, v${v(g)}.2d`, `xtn v${v(g)}.4h, v${v(g)}.4s`];
    return [`${g.pick(['uaddlp', 'saddlp'])} v${v(g)}.8h, v${v(g)}.16b`, `uaddlp v${v(g)}.2d, v${v(g)}.4s`];
  },
  across: (g) => {
    const t = g.pick(['8b', '16b', '4h', '8h', '4s']);
    const r = { '8b': 'b', '16b': 'b', '4h': 'h', '8h': 'h', '4s': 's' }[t];
    const wide = { b: 'h', h: 's', s: 'd' }[r!];
    return [`${g.pick(['addv', 'umaxv', 'uminv', 'smaxv', 'sminv'])} ${r}${v(g)}, v${v(g)}.${t}`, `${g.pick(['uaddlv', 'saddlv'])} ${wide}${v(g)}, v${v(g)}.${t}`];
  },
  copy: (g) => {
    const k = g.int(6);
    if (k === 0) return [`dup v${v(g)}.${g.pick(['16b', '8b'])}, v${v(g)}.b[${g.int(16)}]`, `dup v${v(g)}.2d, v${v(g)}.d[${g.int(2)}]`];
    if (k === 1) return [`dup v${v(g)}.${g.pick(['4s', '2s'])}, ${w(g)}`, `dup v${v(g)}.2d, ${x(g)}`, `dup v${v(g)}.8h, ${w(g)}`];
    if (k === 2) return [`mov v${v(g)}.s[${g.int(4)}], ${w(g)}`, `mov v${v(g)}.d[${g.int(2)}], ${x(g)}`, `mov v${v(g)}.b[${g.int(16)}], ${w(g)}`];
    if (k === 3) return [`mov v${v(g)}.h[${g.int(8)}], v${v(g)}.h[${g.int(8)}]`, `mov v${v(g)}.d[${g.int(2)}], v${v(g)}.d[${g.int(2)}]`];
    if (k === 4) return [`umov ${w(g)}, v${v(g)}.b[${g.int(16)}]`, `smov ${x(g)}, v${v(g)}.h[${g.int(8)}]`, `smov ${w(g)}, v${v(g)}.b[${g.int(16)}]`, `mov ${x(g)}, v${v(g)}.d[${g.int(2)}]`, `smov ${x(g)}, v${v(g)}.s[${g.int(4)}]`];
    return [`mov ${g.pick(['b', 'h', 's', 'd'])}${v(g)}, v${v(g)}.${g.pick(['b[3]', 'h[5]', 's[2]', 'd[1]'])}`.replace(/^mov (.)(\d+), v(\d+)\.(.)\[/, (_m, _a: string, d: string, n: string, t: string) => `mov ${t}${d}, v${n}.${t}[`)];
  },
  modImm: (g) => {
    const k = g.int(6);
    if (k === 0) return [`movi v${v(g)}.${g.pick(['16b', '8b'])}, #${g.int(256)}`];
    if (k === 1) return [`${g.pick(['movi', 'mvni'])} v${v(g)}.${g.pick(['4s', '2s'])}, #${g.int(256)}, lsl #${8 * g.int(4)}`];
    if (k === 2) return [`${g.pick(['orr', 'bic'])} v${v(g)}.${g.pick(['4s', '8h'])}, #${g.int(256)}, lsl #8`];
    if (k === 3) return [`movi v${v(g)}.2d, #0xff00ff0000ffff00`, `movi d${v(g)}, #0x00ffff00000000ff`];
    if (k === 4) return [`${g.pick(['movi', 'mvni'])} v${v(g)}.4s, #${g.int(256)}, msl #${g.pick([8, 16])}`];
    return [`fmov v${v(g)}.${g.pick(['4s', '2s', '2d'])}, #${g.pick(['1.0', '-0.5', '2.125', '15.5'])}`];
  },
  shiftImm: (g) => {
    const t = g.pick(ARR);
    const bits = { '8b': 8, '16b': 8, '4h': 16, '8h': 16, '2s': 32, '4s': 32, '2d': 64 }[t]!;
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['ushr', 'sshr', 'usra', 'ssra', 'sri'])} v${v(g)}.${t}, v${v(g)}.${t}, #${1 + g.int(bits)}`];
    if (k === 1) return [`${g.pick(['shl', 'sli'])} v${v(g)}.${t}, v${v(g)}.${t}, #${g.int(bits)}`];
    if (k === 2) return [`${g.pick(['ushll', 'sshll'])} v${v(g)}.8h, v${v(g)}.8b, #${g.int(8)}`, `${g.pick(['ushll2', 'sshll2'])} v${v(g)}.2d, v${v(g)}.4s, #${g.int(32)}`, `uxtl v${v(g)}.4s, v${v(g)}.4h`];
    return [`shrn v${v(g)}.8b, v${v(g)}.8h, #${1 + g.int(8)}`, `shrn2 v${v(g)}.4s, v${v(g)}.2d, #${1 + g.int(32)}`, `${g.pick(['ushr', 'shl'])} d${v(g)}, d${v(g)}, #${1 + g.int(63)}`];
  },
  vectorFp: (g) => {
    const t = g.pick(['2s', '4s', '2d']);
    const k = g.int(3);
    if (k === 0) return [`${g.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fabd', 'faddp', 'fmla', 'fmls', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'])} v${v(g)}.${t}, v${v(g)}.${t}, v${v(g)}.${t}`];
    if (k === 1) return [`${g.pick(['fabs', 'fneg', 'fsqrt', 'frintn', 'frintm', 'frintp', 'frintz', 'frinta', 'frintx', 'frinti', 'fcvtns', 'fcvtms', 'fcvtas', 'fcvtps', 'fcvtzs', 'fcvtnu', 'fcvtmu', 'fcvtau', 'fcvtpu', 'fcvtzu', 'scvtf', 'ucvtf'])} v${v(g)}.${t}, v${v(g)}.${t}`];
    return [`${g.pick(['fcmgt', 'fcmeq', 'fcmlt', 'fcmge', 'fcmle'])} v${v(g)}.${t}, v${v(g)}.${t}, #0.0`];
  },
  widen: (g) => {
    const [nt, wt] = g.pick([['8b', '8h'], ['4h', '4s'], ['2s', '2d'], ['16b', '8h'], ['8h', '4s'], ['4s', '2d']]);
    const two = ['16b', '8h', '4s'].includes(nt!) ? '2' : '';
    const k = g.int(3);
    if (k === 0) return [`${g.pick(['uaddl', 'saddl', 'usubl', 'ssubl', 'umull', 'smull', 'umlal', 'smlal', 'umlsl', 'smlsl', 'uabdl', 'sabdl', 'uabal', 'sabal'])}${two} v${v(g)}.${wt}, v${v(g)}.${nt}, v${v(g)}.${nt}`];
    if (k === 1) return [`${g.pick(['uaddw', 'saddw', 'usubw', 'ssubw'])}${two} v${v(g)}.${wt}, v${v(g)}.${wt}, v${v(g)}.${nt}`];
    return [`${g.pick(['addhn', 'subhn', 'raddhn', 'rsubhn'])}${two} v${v(g)}.${nt}, v${v(g)}.${wt}, v${v(g)}.${wt}`, `${g.pick(['mla', 'mls'])} v${v(g)}.${g.pick(['16b', '4h', '4s'])}, v1.${'16b'}, v2.16b`.replace(/v(\d+)\.(\w+), v1\.16b, v2\.16b/, (_m, a: string, t: string) => `v${a}.${t}, v1.${t}, v2.${t}`)];
  },
  byElement: (g) => {
    const k = g.int(4);
    if (k === 0) return [`${g.pick(['mul', 'mla', 'mls'])} v${v(g)}.${g.pick(['4h', '8h'])}, v${v(g)}.${g.pick(['4h', '8h'])}, v${g.int(16)}.h[${g.int(8)}]`.replace(/v(\d+)\.(\w+), v(\d+)\.\w+,/, (_m, a: string, t: string, b: string) => `v${a}.${t}, v${b}.${t},`)];
    if (k === 1) return [`${g.pick(['mul', 'mla', 'mls'])} v${v(g)}.4s, v${v(g)}.4s, v${v(g)}.s[${g.int(4)}]`];
    if (k === 2) return [`${g.pick(['fmul', 'fmla', 'fmls'])} v${v(g)}.${g.pick(['2s', '4s'])}, v1.4s, v${v(g)}.s[${g.int(4)}]`.replace(/v(\d+)\.(\w+), v1\.4s/, (_m, a: string, t: string) => `v${a}.${t}, v1.${t}`), `${g.pick(['fmul', 'fmla', 'fmls'])} v${v(g)}.2d, v${v(g)}.2d, v${v(g)}.d[${g.int(2)}]`];
    return [`${g.pick(['smull', 'umull', 'smlal', 'umlal', 'smlsl', 'umlsl'])}${g.pick(['', '2'])} v${v(g)}.4s, v${v(g)}.8h, v${g.int(16)}.h[${g.int(8)}]`.replace(/(\w+?)(2?) v(\d+)\.4s, v(\d+)\.8h/, (_m, op: string, two: string, a: string, b: string) => `${op}${two} v${a}.4s, v${b}.${two ? '8h' : '4h'}`)];
  },
  saturating: (g) => {
    const t = g.pick(ARR);
    const k = g.int(3);
    if (k === 0) return [`${g.pick(['uqadd', 'sqadd', 'uqsub', 'sqsub'])} v${v(g)}.${t}, v${v(g)}.${t}, v${v(g)}.${t}`];
    if (k === 1) return [`${g.pick(['uhadd', 'shadd', 'urhadd', 'srhadd', 'uhsub', 'shsub', 'uabd', 'sabd', 'uaba', 'saba'])} ${vt(g, ARR.slice(0, 6))}`];
    return [`${g.pick(['sqxtn', 'uqxtn', 'sqxtun'])} v${v(g)}.8b, v${v(g)}.8h`, `${g.pick(['sqxtn2', 'uqxtn2', 'sqxtun2'])} v${v(g)}.4s, v${v(g)}.2d`, `${g.pick(['uqadd', 'sqsub'])} ${g.pick(['b', 'h', 's', 'd']).repeat(1)}1, ${'b'}2, ${'b'}3`.replace(/ (\w)1, b2, b3/, (_m, r: string) => ` ${r}1, ${r}2, ${r}3`)];
  },
  permute: (g) => [`${g.pick(['zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'])} ${vt(g)}`],
  extTbl: (g) => {
    const k = g.int(3);
    const t = g.pick(['8b', '16b']);
    if (k === 0) return [t === '16b' ? `ext v${v(g)}.16b, v${v(g)}.16b, v${v(g)}.16b, #${g.int(16)}` : `ext v${v(g)}.8b, v${v(g)}.8b, v${v(g)}.8b, #${g.int(8)}`];
    const n = g.int(30);
    const op = g.pick(['tbl', 'tbx']);
    if (k === 1) return [`movi v31.16b, #${g.int(40)}`, `add v30.16b, v30.16b, v31.16b`, `${op} v${v(g)}.${t}, {v${n}.16b}, v30.${t}`];
    return [`${op} v${v(g)}.${t}, {v${n}.16b, v${n + 1}.16b}, v${v(g)}.${t}`];
  },
  scalar: (g) => [g.pick([`add d${v(g)}, d${v(g)}, d${v(g)}`, `sub d${v(g)}, d${v(g)}, d${v(g)}`, `cmeq d${v(g)}, d${v(g)}, d${v(g)}`, `cmhi d${v(g)}, d${v(g)}, d${v(g)}`, `cmgt d${v(g)}, d${v(g)}, #0`, `addp d${v(g)}, v${v(g)}.2d`, `neg d${v(g)}, d${v(g)}`])],
  structLoad: (g) => {
    const t = g.pick(['16b', '8b', '4s', '2d', '8h']);
    const k = g.int(5);
    if (k === 0) return [`ld1 {v${v(g)}.${t}}, [x28]`, `st1 {v${v(g)}.${t}}, [x28]`];
    if (k === 1) return ['mov x27, x28', `ld1 {v${v(g)}.${t}, v${v(g)}.${t}}, [x27], #${t.startsWith('8b') ? 16 : 32}`, `st1 {v${v(g)}.${t}, v${v(g)}.${t}, v${v(g)}.${t}}, [x27]`].map((l) => l.replace(/\{v(\d+)\.(\w+), v\d+\.\w+\}/, (_m, a: string, tt: string) => `{v${a}.${tt}, v${(Number(a) + 1) % 32}.${tt}}`).replace(/\{v(\d+)\.(\w+), v\d+\.\w+, v\d+\.\w+\}/, (_m, a: string, tt: string) => `{v${a}.${tt}, v${(Number(a) + 1) % 32}.${tt}, v${(Number(a) + 2) % 32}.${tt}}`));
    if (k === 2) return [`ld2 {v${0}.${t}, v1.${t}}, [x28]`, `ld4 {v4.${t}, v5.${t}, v6.${t}, v7.${t}}, [x28]`, `st3 {v8.${t}, v9.${t}, v10.${t}}, [x28]`].filter((l) => !l.includes('.2d') || !l.includes('.1d'));
    if (k === 3) return [`ld1 {v${v(g)}.s}[${g.int(4)}], [x28]`, `ld1r {v${v(g)}.${t}}, [x28]`, `st1 {v${v(g)}.b}[${g.int(16)}], [x28]`];
    return [`${g.pick(['ldr', 'str'])} q${v(g)}, [x28, #${16 * g.int(15)}]`, `ldp q${v(g)}, q${v(g)}, [x28, #${16 * g.int(14)}]`, `ldr d${v(g)}, [x28, #${8 * g.int(31)}]`, `str s${v(g)}, [x28, #${4 * g.int(60)}]`];
  },
};
