// What `modprobe NAME` does, as a plan: resolve NAME (a config alias, a module name, a
// modules.alias pattern such as a device's modalias, or a built-in), then for each module
// its softdep pre: modules, its dependencies (deepest first), itself with its options (or its
// install command), then its softdep post: modules. Modules already loaded are skipped.
// The kernel's coldplug (udev) and the modprobe applet both run these plans.

import { fnmatch } from './modalias';
import { moduleOptions, type ModprobeConfig } from './conf';
import { builtinModuleNames, canonicalModuleName, findModule, moduleAliases, MODULE_TREE, type ModuleSpec } from './module-tree';

export type PlanStep =
  | { kind: 'load'; module: ModuleSpec; params: string }
  | { kind: 'install'; module: string; command: string };

export interface PlanContext {
  cfg: ModprobeConfig;
  /** Names of the modules loaded now. */
  loaded: ReadonlySet<string>;
  /** Apply the blacklist to names found through aliases (udev does; modprobe with -b). */
  useBlacklist: boolean;
  release: string;
  /** Extra options from the command line (modprobe NAME opt=val). */
  extraOptions?: string[];
}

export type Plan = { ok: true; steps: PlanStep[]; builtin: boolean } | { ok: false; error: string };

/** The modules NAME stands for, in the order kmod tries them; [] when nothing matches. */
export function resolveName(name: string, ctx: PlanContext): { modules: string[]; viaAlias: boolean; builtin: boolean } {
  const c = canonicalModuleName(name);
  const cfgAlias = ctx.cfg.aliases.filter((a) => fnmatch(a.pattern, c)).map((a) => a.module);
  if (cfgAlias.length) return { modules: filterBlacklist(cfgAlias, ctx), viaAlias: true, builtin: false };
  if (findModule(c) || ctx.cfg.install.has(c)) return { modules: [c], viaAlias: false, builtin: false };
  if (builtinModuleNames().includes(c)) return { modules: [], viaAlias: false, builtin: true };
  const hits: string[] = [];
  for (const m of MODULE_TREE) if (moduleAliases(m).some((p) => fnmatch(p, name)) && !hits.includes(m.name)) hits.push(m.name);
  return { modules: filterBlacklist(hits, ctx), viaAlias: true, builtin: false };
}

function filterBlacklist(mods: string[], ctx: PlanContext): string[] {
  return ctx.useBlacklist ? mods.filter((m) => !ctx.cfg.blacklist.has(m)) : mods;
}

export function planModprobe(name: string, ctx: PlanContext): Plan {
  const r = resolveName(name, ctx);
  if (r.builtin) return { ok: true, steps: [], builtin: true };
  if (r.modules.length === 0) return { ok: false, error: `Module ${name} not found in directory /lib/modules/${ctx.release}` };
  const steps: PlanStep[] = [];
  const planned = new Set<string>(ctx.loaded);
  for (const m of r.modules) {
    const e = addWithSoftdeps(m, ctx, steps, planned, new Set(), m === canonicalModuleName(name) ? ctx.extraOptions ?? [] : []);
    if (e) return { ok: false, error: e };
  }
  return { ok: true, steps, builtin: false };
}

function addWithSoftdeps(mod: string, ctx: PlanContext, steps: PlanStep[], planned: Set<string>, visiting: Set<string>, extra: string[]): string | undefined {
  if (planned.has(mod) || visiting.has(mod)) return undefined;
  visiting.add(mod);
  const soft = ctx.cfg.softdeps.get(mod) ?? findModule(mod)?.softdep;
  // kmod loads soft dependencies on a best-effort basis: one that does not exist is skipped.
  for (const pre of soft?.pre ?? []) if (findModule(pre) || ctx.cfg.install.has(pre)) addWithSoftdeps(pre, ctx, steps, planned, visiting, []);
  const install = ctx.cfg.install.get(mod);
  if (install !== undefined) {
    steps.push({ kind: 'install', module: mod, command: install });
    planned.add(mod);
  } else {
    const spec = findModule(mod);
    if (!spec) {
      if (builtinModuleNames().includes(mod)) return undefined;
      return `Module ${mod} not found in directory /lib/modules/${ctx.release}`;
    }
    for (const dep of dependencyOrder(spec)) {
      if (planned.has(dep.name)) continue;
      steps.push({ kind: 'load', module: dep, params: moduleOptions(ctx.cfg, dep.name) });
      planned.add(dep.name);
    }
    steps.push({ kind: 'load', module: spec, params: moduleOptions(ctx.cfg, mod, extra) });
    planned.add(mod);
  }
  for (const post of soft?.post ?? []) if (findModule(post) || ctx.cfg.install.has(post)) addWithSoftdeps(post, ctx, steps, planned, visiting, []);
  return undefined;
}

/** Every dependency of `spec`, each after its own dependencies (the order insmod would need). */
export function dependencyOrder(spec: ModuleSpec): ModuleSpec[] {
  const out: ModuleSpec[] = [];
  const walk = (m: ModuleSpec) => {
    for (const d of m.depends) {
      const dm = findModule(d);
      if (!dm || out.includes(dm)) continue;
      walk(dm);
      if (!out.includes(dm)) out.push(dm);
    }
  };
  walk(spec);
  return out;
}
