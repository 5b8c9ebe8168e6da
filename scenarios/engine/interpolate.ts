// `${name}` in send text, expectations and host commands: scenario vars, built-ins
// (seed, out_dir...) and values captured by earlier `expect` steps. Only `${identifier}`
// is special, so shell text such as `$?` or `$HOME` passes through untouched.

export type InterpolateResult = { ok: true; text: string } | { ok: false; error: string };

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function interpolate(text: string, vars: Readonly<Record<string, string>>): InterpolateResult {
  let missing: string | undefined;
  const out = text.replace(REF, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    missing ??= name;
    return whole;
  });
  if (missing !== undefined) return { ok: false, error: `unknown variable \${${missing}}` };
  return { ok: true, text: out };
}

/** Escapes a value for use inside a regex (captures reused in a later regex expect). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
