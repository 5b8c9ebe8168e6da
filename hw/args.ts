// A small, strict option parser shared by the host CLI and the guest applet, so both accept
// exactly the same flags: `--name value` or `--name=value`, booleans without a value.

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

export type ArgsResult = { ok: true; value: ParsedArgs } | { ok: false; error: string };

/** `spec` maps each long option to whether it takes a value. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, boolean>>): ArgsResult {
  const out: ParsedArgs = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const takes = spec[name];
    if (takes === undefined || !Object.prototype.hasOwnProperty.call(spec, name)) return { ok: false, error: `unknown option --${name}` };
    if (!takes) {
      if (eq >= 0) return { ok: false, error: `option --${name} takes no value` };
      out.flags.add(name);
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return { ok: false, error: `option --${name} needs a value` };
    out.values.set(name, value);
  }
  return { ok: true, value: out };
}

/** A positive integer option within [min, max], the default when absent, or an error text. */
export function intOption(a: ParsedArgs, name: string, dflt: number, min: number, max: number): number | string {
  const t = a.values.get(name);
  if (t === undefined) return dflt;
  if (!/^\d+$/.test(t)) return `--${name} ${t}: not a number`;
  const v = Number(t);
  return v < min || v > max ? `--${name} ${t}: out of range (${min}..${max})` : v;
}
