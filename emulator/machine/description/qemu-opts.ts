// QEMU's option-string syntax (util/qemu-option.c): `value0,key=value,key2=value2`. A comma inside
// a value is written twice (`,,`). The first item may omit its key (the "implied" key: `driver` for
// -device, `type` for -M and -netdev, `size` for -m, `cpus` for -smp). A bare `key` means
// `key=on`. Empty items (a trailing comma) are skipped, as QEMU does.

import { err, ok, type Result } from './result';

export interface OptPair {
  key: string;
  value: string;
}

/** Splits on single commas; `,,` stays in the item as one literal comma. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== ',') {
      current += ch;
    } else if (text[i + 1] === ',') {
      current += ',';
      i++;
    } else {
      items.push(current);
      current = '';
    }
  }
  items.push(current);
  return items;
}

/**
 * Parses one option string. The implied key applies only to a first item without `=`: QEMU
 * reads `-device e1000,id=n0` as driver=e1000, and `-M type=q35` names its key itself.
 */
export function parseOpts(text: string, impliedKey?: string): Result<OptPair[]> {
  const pairs: OptPair[] = [];
  const items = splitItems(text);
  for (let index = 0; index < items.length; index++) {
    const item = items[index] ?? '';
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (index === 0 && impliedKey !== undefined && eq < 0) {
      pairs.push({ key: impliedKey, value: item });
    } else if (eq < 0) {
      pairs.push({ key: item, value: 'on' });
    } else if (eq === 0) {
      return err(`empty parameter name in '${item}'`);
    } else {
      pairs.push({ key: item.slice(0, eq), value: item.slice(eq + 1) });
    }
    // Keys become object fields downstream; this one would replace the object's prototype.
    if (pairs.at(-1)?.key === '__proto__') return err("invalid parameter name '__proto__'");
  }
  return ok(pairs);
}

export function escapeOptValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** The inverse of parseOpts: the implied key's value first and bare, the rest as key=value. */
export function emitOpts(pairs: readonly OptPair[], impliedKey?: string): string {
  const implied = impliedKey === undefined ? undefined : pairs.find((p) => p.key === impliedKey);
  const parts: string[] = [];
  if (implied !== undefined) parts.push(escapeOptValue(implied.value));
  for (const pair of pairs) {
    if (pair === implied) continue;
    parts.push(`${pair.key}=${escapeOptValue(pair.value)}`);
  }
  return parts.join(',');
}

/** QEMU's on/off switches. */
export function parseOnOff(value: string): boolean | undefined {
  if (value === 'on') return true;
  if (value === 'off') return false;
  return undefined;
}
