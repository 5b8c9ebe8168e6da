// POSIX getopt as BusyBox's getopt32 uses it: a spec like "an:v" (':' after a letter =
// takes an argument), bundled flags (-la), "--" ends options, the first operand ends
// options too (BusyBox builds without GNU argument permutation for most applets).

export interface Options {
  flags: Map<string, number>;
  values: Map<string, string>;
  operands: string[];
}

export type OptionsResult = Options | { error: string };

export function getopt(args: readonly string[], spec: string, permute = false): OptionsResult {
  const flags = new Map<string, number>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== '-') {
      if (!permute) break;
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ':') return { error: `invalid option -- '${c}'` };
      if (spec[at + 1] === ':') {
        const rest = a.slice(j + 1);
        if (rest !== '') values.set(c, rest);
        else if (i + 1 < args.length) values.set(c, args[++i]!);
        else return { error: `option requires an argument -- '${c}'` };
        break;
      }
      flags.set(c, (flags.get(c) ?? 0) + 1);
    }
  }
  operands.push(...args.slice(i));
  return { flags, values, operands };
}
