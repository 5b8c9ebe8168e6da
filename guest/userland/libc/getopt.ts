// POSIX getopt as BusyBox's getopt32 uses it: a spec like "an:v" (':' after a letter =
// takes an argument), bundled flags (-la), "--" ends options, the first operand ends
// options too (BusyBox builds without GNU argument permutation for most applets).

export interface Options {
  flags: Map<string, number>;
  /** The last value of each option that takes an argument. */
  values: Map<string, string>;
  /** Every value of each option, in order (sed -e A -e B). */
  lists: Map<string, string[]>;
  operands: string[];
}

export type OptionsResult = Options | { error: string };

export function getopt(args: readonly string[], spec: string, permute = false): OptionsResult {
  const flags = new Map<string, number>();
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
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
        let value: string;
        if (rest !== '') value = rest;
        else if (i + 1 < args.length) value = args[++i]!;
        else return { error: `option requires an argument -- '${c}'` };
        values.set(c, value);
        lists.set(c, [...(lists.get(c) ?? []), value]);
        break;
      }
      flags.set(c, (flags.get(c) ?? 0) + 1);
    }
  }
  operands.push(...args.slice(i));
  return { flags, values, lists, operands };
}
