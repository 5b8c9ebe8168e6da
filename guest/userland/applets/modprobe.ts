// Module tools: modprobe (kmod's: /etc/modprobe.d options, softdep, blacklist with -b,
// install, alias; the command line's module.param= and modprobe.blacklist=; -r, -n, -v, -q,
// -a, --show-depends), insmod, rmmod and lsmod (BusyBox's output). Modules are loaded with
// finit_module on the files under /lib/modules/$(uname -r), unloaded with delete_module.

import type { NativeEntry, UserMemory } from '../../abi/native';
import { readModprobeConfig } from '../../drivers/modprobe/boot-modules';
import { applyKernelCmdline, emptyConfig } from '../../drivers/modprobe/conf';
import { findModule } from '../../drivers/modprobe/module-tree';
import { dependencyOrder, planModprobe, resolveName, type PlanStep } from '../../drivers/modprobe/resolve';
import type { RootReader } from '../../drivers/modprobe/target-root';
import { strerror } from '../libc/errno';
import { MAP_ANONYMOUS, MAP_PRIVATE, NR, O_DIRECTORY, O_RDONLY, O_NONBLOCK, PROT_READ, PROT_WRITE } from '../libc/numbers';
import { Runtime } from '../libc/runtime';
import { Sys, type Sc } from '../libc/sys';
import { spawnWait } from './find';

const NR_INIT_MODULE_FINIT = 273, NR_DELETE_MODULE = 106, EEXIST = 17;
const CONFIG_DIRS = ['/usr/lib/modprobe.d', '/lib/modprobe.d', '/etc/modprobe.d'];

export type MemMain = (rt: Runtime, mem: UserMemory) => Sc<number>;

/** program() with the process memory at hand, to pass parameter strings to the kernel. */
export function programWithMem(main: MemMain): NativeEntry {
  return function* (ctx) {
    const sys = yield* Sys.create(ctx.mem);
    if (typeof sys === 'number') return 127;
    const rt = new Runtime(sys, ctx.argv, ctx.envp);
    const status = yield* main(rt, ctx.mem);
    yield* rt.flush();
    yield* sys.exit(status);
    return status;
  };
}

/** A NUL-terminated copy of `s` in a fresh anonymous mapping (its address), or -errno. */
export function* userString(rt: Runtime, mem: UserMemory, s: string): Sc<number> {
  const bytes = new TextEncoder().encode(`${s}\0`);
  const size = (bytes.length + 4095) & ~4095;
  const addr = yield* rt.sys.raw(NR.mmap, [0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0]);
  if (addr < 0 && addr > -4096) return addr;
  return mem.write(addr, bytes) ? addr : -14;
}

function* finitModule(rt: Runtime, mem: UserMemory, path: string, params: string): Sc<number> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return fd;
  const p = yield* userString(rt, mem, params);
  const r = p < 0 ? p : yield* rt.sys.raw(NR_INIT_MODULE_FINIT, [fd, p, 0]);
  yield* rt.sys.close(fd);
  return r;
}

function* deleteModule(rt: Runtime, mem: UserMemory, name: string): Sc<number> {
  const p = yield* userString(rt, mem, name);
  return p < 0 ? p : yield* rt.sys.raw(NR_DELETE_MODULE, [p, O_NONBLOCK]);
}

function* listDir(rt: Runtime, dir: string): Sc<string[]> {
  const fd = yield* rt.sys.open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return [];
  const ents = yield* rt.sys.getdents(fd);
  yield* rt.sys.close(fd);
  return typeof ents === 'number' ? [] : ents.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
}

/** The configuration files read up front, so the (synchronous) resolver can use them. */
function* configReader(rt: Runtime): Sc<RootReader> {
  const files = new Map<string, string | undefined>(), dirs = new Map<string, string[]>();
  for (const d of CONFIG_DIRS) {
    const names = yield* listDir(rt, d);
    dirs.set(d, names);
    for (const n of names) files.set(`${d}/${n}`, yield* quietRead(rt, `${d}/${n}`));
  }
  return { readText: (p) => files.get(p), list: (d) => dirs.get(d) ?? [] };
}

export function* quietRead(rt: Runtime, path: string): Sc<string | undefined> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  let text = '';
  for (;;) {
    const b = yield* rt.sys.read(fd, 65536);
    if (typeof b === 'number' || b.length === 0) break;
    text += new TextDecoder().decode(b);
  }
  yield* rt.sys.close(fd);
  return text;
}

/** /proc/modules rows: name, size, use count, users. */
function* procModules(rt: Runtime): Sc<{ name: string; size: string; count: string; users: string }[]> {
  const text = (yield* quietRead(rt, '/proc/modules')) ?? '';
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const f = l.split(/\s+/);
    return { name: f[0]!, size: f[1] ?? '0', count: f[2] ?? '0', users: f[3] ?? '-' };
  });
}

interface ModprobeOpts { remove: boolean; quiet: boolean; verbose: boolean; dryRun: boolean; blacklist: boolean; all: boolean; showDepends: boolean }

function parseModprobeArgs(args: readonly string[]): { o: ModprobeOpts; rest: string[] } | string {
  const o: ModprobeOpts = { remove: false, quiet: false, verbose: false, dryRun: false, blacklist: false, all: false, showDepends: false };
  const long: Record<string, keyof ModprobeOpts> = {
    '--remove': 'remove', '--quiet': 'quiet', '--verbose': 'verbose', '--dry-run': 'dryRun', '--show': 'dryRun',
    '--use-blacklist': 'blacklist', '--all': 'all', '--show-depends': 'showDepends',
  };
  const short: Record<string, keyof ModprobeOpts> = { r: 'remove', q: 'quiet', v: 'verbose', n: 'dryRun', b: 'blacklist', a: 'all', D: 'showDepends' };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const k = long[a];
      if (!k) return `unrecognized option '${a}'`;
      o[k] = true;
    } else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        const k = short[c];
        if (!k) return `invalid option -- '${c}'`;
        o[k] = true;
      }
    } else break;
  }
  return { o, rest: args.slice(i) };
}

function* modprobeMain(rt: Runtime, mem: UserMemory): Sc<number> {
  const parsed = parseModprobeArgs(rt.argv.slice(1));
  if (typeof parsed === 'string') {
    yield* rt.error(parsed);
    return 1;
  }
  const { o, rest } = parsed;
  if (rest.length === 0) {
    yield* rt.error('ERROR: missing parameters. See -h.');
    return 1;
  }
  const uts = yield* rt.sys.uname();
  const release = typeof uts === 'number' ? '' : uts.release;
  const cmdline = (yield* quietRead(rt, '/proc/cmdline')) ?? '';
  const cfg = applyKernelCmdline(readModprobeConfig(yield* configReader(rt)), cmdline.trim());
  const loaded = new Set((yield* procModules(rt)).map((m) => m.name));
  // Without -a, the words after the name are its parameters.
  const names = o.all || o.remove ? rest : [rest[0]!];
  const extra = o.all || o.remove ? [] : rest.slice(1);
  let status = 0;
  for (const name of names) {
    if (o.remove) status |= yield* removeOne(rt, mem, name, o, loaded);
    else {
      const plan = planModprobe(name, { cfg, loaded, useBlacklist: o.blacklist, release, extraOptions: extra });
      if (!plan.ok) {
        if (!o.quiet) yield* rt.error(`FATAL: ${plan.error}`);
        status = 1;
        continue;
      }
      if (plan.builtin && (o.verbose || o.showDepends)) rt.out.put(`builtin ${name}\n`);
      for (const s of plan.steps) {
        const r = yield* runStep(rt, mem, s, release, o);
        if (r < 0) {
          if (!o.quiet) yield* rt.error(`ERROR: could not insert '${stepName(s)}': ${strerror(r)}`);
          status = 1;
          break;
        }
        loaded.add(stepName(s));
      }
    }
  }
  return status;
}

const stepName = (s: PlanStep) => (s.kind === 'load' ? s.module.name : s.module);

function* runStep(rt: Runtime, mem: UserMemory, s: PlanStep, release: string, o: ModprobeOpts): Sc<number> {
  if (s.kind === 'install') {
    if (o.verbose || o.showDepends) rt.out.put(`install ${s.command}\n`);
    if (o.dryRun || o.showDepends) return 0;
    const st = yield* spawnWait(rt, ['/bin/sh', '-c', s.command]);
    return st === 0 ? 0 : -5;
  }
  const path = `/lib/modules/${release}/${s.module.path}`;
  if (o.verbose || o.showDepends) rt.out.put(`insmod ${path} ${s.params}\n`);
  if (o.dryRun || o.showDepends) return 0;
  const r = yield* finitModule(rt, mem, path, s.params);
  return r === -EEXIST ? 0 : r;
}

/** modprobe -r: the module, then its dependencies no other loaded module still uses. */
function* removeOne(rt: Runtime, mem: UserMemory, name: string, o: ModprobeOpts, loaded: Set<string>): Sc<number> {
  const r = resolveName(name, { cfg: emptyConfig(), loaded, useBlacklist: false, release: '' });
  const mod = r.modules[0];
  if (!mod || !loaded.has(mod)) {
    if (!o.quiet) yield* rt.error(`FATAL: Module ${name} is not currently loaded`);
    return 1;
  }
  const spec = findModule(mod);
  const order = [mod, ...(spec ? dependencyOrder(spec).reverse().map((d) => d.name) : [])];
  for (const m of order) {
    if (!loaded.has(m)) continue;
    if (o.verbose) rt.out.put(`rmmod ${m}\n`);
    if (o.dryRun) continue;
    const e = yield* deleteModule(rt, mem, m);
    if (e < 0) {
      if (m === mod) {
        if (!o.quiet) yield* rt.error(`FATAL: Module ${m} is in use.`);
        return 1;
      }
      continue; // a dependency still used by someone else stays
    }
    loaded.delete(m);
  }
  return 0;
}

function* insmodMain(rt: Runtime, mem: UserMemory): Sc<number> {
  const file = rt.argv[1];
  if (!file) {
    yield* rt.error('usage: insmod FILE [SYMBOL=VALUE]...');
    return 1;
  }
  const r = yield* finitModule(rt, mem, file, rt.argv.slice(2).join(' '));
  if (r < 0) {
    yield* rt.error(`can't insert '${file}': ${strerror(r)}`);
    return 1;
  }
  return 0;
}

function* rmmodMain(rt: Runtime, mem: UserMemory): Sc<number> {
  let status = 0;
  for (const arg of rt.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const name = arg.slice(arg.lastIndexOf('/') + 1).replace(/\.ko$/, '').replace(/-/g, '_');
    const r = yield* deleteModule(rt, mem, name);
    if (r < 0) {
      yield* rt.error(`can't unload module '${name}': ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

/** BusyBox lsmod (FEATURE_LSMOD_PRETTY_2_6_OUTPUT): the users list loses its trailing comma, "-" becomes empty. */
function* lsmodMain(rt: Runtime): Sc<number> {
  const tainted = (yield* readTainted(rt)) ?? 0;
  rt.out.put(`${'Module'.padEnd(24)}Size  Used by${tainted ? `    Tainted: ${tainted}` : '    Not tainted'}\n`);
  for (const m of yield* procModules(rt)) {
    const users = m.users.slice(0, -1);
    rt.out.put(`${m.name.padEnd(19)} ${m.size.padStart(8)} ${m.count.padStart(2)} ${users}\n`);
  }
  return 0;
}

function* readTainted(rt: Runtime): Sc<number | undefined> {
  const t = yield* quietRead(rt, '/proc/sys/kernel/tainted');
  return t === undefined ? undefined : parseInt(t, 10) || 0;
}

export const MODULE_APPLETS: ReadonlyArray<readonly [string, NativeEntry]> = [
  ['modprobe', programWithMem(modprobeMain)],
  ['insmod', programWithMem(insmodMain)],
  ['rmmod', programWithMem(rmmodMain)],
  ['lsmod', programWithMem(lsmodMain)],
];
