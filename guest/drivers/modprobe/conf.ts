// modprobe.d(5): the configuration kmod's modprobe reads from /etc/modprobe.d/*.conf (and
// /lib/modprobe.d, /run/modprobe.d), one command per line, `#` comments, `\` continuing a
// line. Commands: alias WILDCARD MODULE, options MODULE OPTIONS..., install MODULE CMD...,
// remove MODULE CMD..., blacklist MODULE, softdep MODULE pre: ... post: .... Kernel command
// line `modprobe.blacklist=a,b` and `MODULE.PARAM=VALUE` are folded in as kmod does.

import { canonicalModuleName } from './module-tree';

export interface ModprobeConfig {
  aliases: { pattern: string; module: string }[];
  /** Options per module, in the order the lines were read. */
  options: Map<string, string[]>;
  install: Map<string, string>;
  remove: Map<string, string>;
  blacklist: Set<string>;
  softdeps: Map<string, { pre: string[]; post: string[] }>;
  /** "FILE:LINE: ..." for lines kmod would ignore with a warning. */
  warnings: string[];
}

export function emptyConfig(): ModprobeConfig {
  return { aliases: [], options: new Map(), install: new Map(), remove: new Map(), blacklist: new Set(), softdeps: new Map(), warnings: [] };
}

/** Joins `\`-continued lines, keeping the number of the first physical line of each. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let acc = '', start = 0;
  text.split('\n').forEach((raw, i) => {
    if (acc === '') start = i + 1;
    if (raw.endsWith('\\')) {
      acc += raw.slice(0, -1) + ' ';
      return;
    }
    out.push({ line: start, text: acc + raw });
    acc = '';
  });
  if (acc !== '') out.push({ line: start, text: acc });
  return out;
}

/** Adds one file's commands to `cfg` (files are read in name order; later ones add, as in kmod). */
export function parseModprobeConf(text: string, file: string, cfg: ModprobeConfig = emptyConfig()): ModprobeConfig {
  for (const { line, text: l } of logicalLines(text)) {
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    const words = t.split(/\s+/);
    const cmd = words[0]!, mod = words[1] === undefined ? undefined : canonicalModuleName(words[1]);
    const rest = t.slice(t.indexOf(words[1] ?? '') + (words[1]?.length ?? 0)).trim();
    const bad = () => cfg.warnings.push(`${file} line ${line}: ignoring bad line starting with '${cmd}'`);
    if (!mod) {
      bad();
      continue;
    }
    switch (cmd) {
      case 'alias':
        if (words.length !== 3) bad();
        else cfg.aliases.push({ pattern: words[1]!.replace(/-/g, '_'), module: canonicalModuleName(words[2]!) });
        break;
      case 'options':
        if (rest === '') bad();
        else cfg.options.set(mod, [...(cfg.options.get(mod) ?? []), rest]);
        break;
      case 'install':
      case 'remove':
        if (rest === '') bad();
        else (cmd === 'install' ? cfg.install : cfg.remove).set(mod, rest);
        break;
      case 'blacklist':
        cfg.blacklist.add(mod);
        break;
      case 'softdep':
        parseSoftdep(cfg, mod, words.slice(2), bad);
        break;
      default:
        bad();
    }
  }
  return cfg;
}

function parseSoftdep(cfg: ModprobeConfig, mod: string, words: string[], bad: () => void): void {
  const dep = { pre: [] as string[], post: [] as string[] };
  let into: string[] | undefined;
  for (const w of words) {
    if (w === 'pre:') into = dep.pre;
    else if (w === 'post:') into = dep.post;
    else if (into) into.push(canonicalModuleName(w));
    else return bad();
  }
  cfg.softdeps.set(mod, dep);
}

/** kmod's kcmdline handling: `modprobe.blacklist=a,b` and `module.param=value` words. */
export function applyKernelCmdline(cfg: ModprobeConfig, cmdline: string): ModprobeConfig {
  for (const w of cmdline.split(/\s+/)) {
    const dot = w.indexOf('.'), eq = w.indexOf('=');
    if (dot <= 0 || (eq >= 0 && eq < dot)) continue;
    const mod = canonicalModuleName(w.slice(0, dot));
    const param = w.slice(dot + 1);
    if (mod === 'modprobe' && param.startsWith('blacklist=')) {
      for (const b of param.slice('blacklist='.length).split(',')) if (b) cfg.blacklist.add(canonicalModuleName(b));
    } else if (param !== '' && !param.startsWith('=')) {
      cfg.options.set(mod, [...(cfg.options.get(mod) ?? []), param]);
    }
  }
  return cfg;
}

/** The options string a module is loaded with: config options, then the extra ones given. */
export function moduleOptions(cfg: ModprobeConfig, mod: string, extra: string[] = []): string {
  return [...(cfg.options.get(canonicalModuleName(mod)) ?? []), ...extra].join(' ');
}

/** mkinitcpio.conf's MODULES=(a b c) (bash array; quotes and `?` optional markers stripped). */
export function mkinitcpioModules(text: string): string[] {
  const m = /^\s*MODULES=\(([^)]*)\)/m.exec(text);
  if (!m) return [];
  return m[1]!.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '').replace(/\?$/, '')).filter((w) => w !== '');
}
