// Command lines of the AI programs: `-x VALUE`, `--long VALUE` and `--long=VALUE` options, each
// named in a table of those that take a value; anything else that starts with '-' is an error.

export interface ParsedArgs {
  values: Map<string, string[]>;
  flags: Set<string>;
  operands: string[];
}

export function parseArgs(args: readonly string[], withValue: readonly string[], flags: readonly string[] = []): ParsedArgs | string {
  const out: ParsedArgs = { values: new Map(), flags: new Set(), operands: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.operands.push(...args.slice(i + 1));
      break;
    }
    if (a.length < 2 || !a.startsWith('-')) {
      out.operands.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (flags.includes(name)) {
      out.flags.add(name);
      continue;
    }
    if (!withValue.includes(name)) return `unknown option ${name}`;
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) return `option ${name} needs a value`;
    out.values.set(name, [...(out.values.get(name) ?? []), value]);
  }
  return out;
}

/** The last value of any of the option's spellings. */
export function lastValue(p: ParsedArgs, ...names: string[]): string | undefined {
  let v: string | undefined;
  for (const n of names) {
    const vs = p.values.get(n);
    if (vs && vs.length > 0) v = vs[vs.length - 1];
  }
  return v;
}

/** A non-negative integer option (or its default); an error message when malformed. */
export function intValue(p: ParsedArgs, def: number, ...names: string[]): number | string {
  const v = lastValue(p, ...names);
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) > 1e9) return `invalid value for ${names[0]}: ${v}`;
  return Number(v);
}

/** A list option as llama-bench takes it: comma-separated values, option repeatable. */
export function intList(p: ParsedArgs, def: readonly number[], ...names: string[]): number[] | string {
  const raw = names.flatMap((n) => p.values.get(n) ?? []).flatMap((v) => v.split(','));
  if (raw.length === 0) return [...def];
  const out: number[] = [];
  for (const v of raw) {
    if (!/^\d+$/.test(v) || Number(v) > 1e9) return `invalid value for ${names[0]}: ${v}`;
    out.push(Number(v));
  }
  return out;
}
