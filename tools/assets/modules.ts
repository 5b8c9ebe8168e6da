// Kernel modules from a Debian kernel package: find a module's file, read its `.modinfo`
// dependencies, and order a set so every module comes after what it depends on (the order
// `insmod` needs, since BusyBox's insmod does not resolve dependencies).

import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Module name as the kernel spells it: dashes and underscores are the same. */
export function moduleName(file: string): string {
  return basename(file).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replace(/-/g, '_');
}

/** Reads `key=value` strings from a .ko's .modinfo section (NUL-separated) without an ELF parser: the keys are unambiguous. */
export function modinfoField(ko: Uint8Array, key: string): string | undefined {
  const text = Buffer.from(ko).toString('latin1');
  const needle = `\0${key}=`;
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const end = text.indexOf('\0', at + needle.length);
  return text.slice(at + needle.length, end < 0 ? undefined : end);
}

export function decompressModule(path: string): Uint8Array {
  if (path.endsWith('.xz')) return execFileSync('xz', ['-dc', path], { maxBuffer: 256 * 1024 * 1024 });
  return execFileSync('cat', [path], { maxBuffer: 256 * 1024 * 1024 });
}

export function indexModules(modulesRoot: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ko(\.xz)?$/.test(e)) index.set(moduleName(e), p);
    }
  };
  walk(modulesRoot);
  return index;
}

export interface ResolvedModule {
  name: string;
  path: string;
  bytes: Uint8Array;
}

/**
 * The wanted modules plus their dependencies, dependencies first. Names that are not
 * modules (built into the kernel) are skipped and returned in `builtin`; wanted drivers this
 * kernel does not have at all are returned in `unavailable`.
 */
export function resolveModules(
  wanted: string[],
  index: Map<string, string>,
  builtin: Set<string>,
): { modules: ResolvedModule[]; builtin: string[]; unavailable: string[] } {
  const out: ResolvedModule[] = [];
  const done = new Set<string>();
  const skipped: string[] = [];
  const unavailable: string[] = [];
  const visit = (raw: string, depth: number) => {
    const name = raw.replace(/-/g, '_');
    if (done.has(name)) return;
    if (depth > 32) throw new Error(`assets: module dependency chain too deep at ${name}`);
    const path = index.get(name);
    if (!path) {
      if (builtin.has(name)) skipped.push(name);
      else if (depth === 0) unavailable.push(name); // this kernel flavour lacks the driver (the cloud kernel has no DRM)
      else throw new Error(`assets: kernel module ${name}, a dependency, is neither a module nor built in`);
      done.add(name);
      return;
    }
    const bytes = decompressModule(path);
    done.add(name);
    for (const dep of (modinfoField(bytes, 'depends') ?? '').split(',').filter(Boolean)) visit(dep, depth + 1);
    out.push({ name, path, bytes });
  };
  for (const w of wanted) visit(w, 0);
  return { modules: out, builtin: skipped, unavailable };
}
