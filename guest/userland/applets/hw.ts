// twinbox-hw: the NeuronOS passthrough tool inside the guest (same subcommands and flags as
// `twinbox hw` on a host: scan, iommu, vfio-config, vm-xml). It snapshots the parts of /sys
// the tool reads through the libc into an in-memory tree, runs the shared logic in hw/, and
// performs vfio-config --apply's writes with open/write/mkdir.

import { runHw } from '../../../hw/commands';
import { MemorySysfs } from '../../../hw/sysfs-view';
import { GRUB_DEFAULT, LOADER_ENTRY_DIRS, MKINITCPIO_CONF, VFIO_CONF, type TargetFiles } from '../../../hw/vfio-apply';
import { strerror } from '../libc/errno';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { fromUtf8, utf8 } from '../libc/text';

const EEXIST = 17;
const PCI_ATTRS = ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device', 'revision', 'boot_vga'];

function* listDir(rt: Runtime, path: string): Sc<string[] | undefined> {
  const fd = yield* rt.sys.open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return undefined;
  const ents = yield* rt.sys.getdents(fd);
  yield* rt.sys.close(fd);
  if (typeof ents === 'number') return undefined;
  return ents.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
}

/** A file's text, undefined when it cannot be opened or read (no message: absence is a fact here). */
function* readText(rt: Runtime, path: string): Sc<string | undefined> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  const s = new InStream(rt.sys, fd);
  const data = yield* s.all();
  yield* rt.sys.close(fd);
  return s.error === 0 ? fromUtf8(data) : undefined;
}

function* copyLink(rt: Runtime, view: MemorySysfs, guestPath: string, viewPath: string): Sc<void> {
  const t = yield* rt.sys.readlink(guestPath);
  if (typeof t === 'string') view.link(viewPath, t);
}

/** The PCI devices, IOMMU groups, IOMMU units and CPU topology of the guest's /sys. */
function* snapshotSys(rt: Runtime): Sc<MemorySysfs> {
  const view = new MemorySysfs();
  view.dir('/bus/pci/devices').dir('/kernel/iommu_groups');
  for (const bdf of (yield* listDir(rt, '/sys/bus/pci/devices')) ?? []) {
    const dir = `/sys/bus/pci/devices/${bdf}`;
    view.dir(dir.slice(4));
    for (const a of PCI_ATTRS) {
      const t = yield* readText(rt, `${dir}/${a}`);
      if (t !== undefined) view.file(`${dir.slice(4)}/${a}`, t);
    }
    yield* copyLink(rt, view, `${dir}/iommu_group`, `${dir.slice(4)}/iommu_group`);
    yield* copyLink(rt, view, `${dir}/driver`, `${dir.slice(4)}/driver`);
  }
  for (const g of (yield* listDir(rt, '/sys/kernel/iommu_groups')) ?? []) {
    view.dir(`/kernel/iommu_groups/${g}/devices`);
    for (const m of (yield* listDir(rt, `/sys/kernel/iommu_groups/${g}/devices`)) ?? []) view.file(`/kernel/iommu_groups/${g}/devices/${m}`, '');
  }
  for (const u of (yield* listDir(rt, '/sys/class/iommu')) ?? []) view.dir(`/class/iommu/${u}`);
  for (const t of (yield* listDir(rt, '/sys/firmware/acpi/tables')) ?? []) view.file(`/firmware/acpi/tables/${t}`, '');
  for (const c of ((yield* listDir(rt, '/sys/devices/system/cpu')) ?? []).filter((n) => /^cpu\d+$/.test(n))) {
    for (const f of ['core_id', 'physical_package_id']) {
      const t = yield* readText(rt, `/sys/devices/system/cpu/${c}/topology/${f}`);
      if (t !== undefined) view.file(`/devices/system/cpu/${c}/topology/${f}`, t);
    }
  }
  return view;
}

/** The files vfio-config --apply may touch under `root`, read up front. */
function* snapshotTarget(rt: Runtime, root: string): Sc<TargetFiles> {
  const files = new Map<string, string>();
  const dirs = new Map<string, string[]>();
  for (const p of [VFIO_CONF, MKINITCPIO_CONF, GRUB_DEFAULT]) {
    const t = yield* readText(rt, `${root}/${p}`);
    if (t !== undefined) files.set(p, t);
  }
  for (const d of LOADER_ENTRY_DIRS) {
    const names = yield* listDir(rt, `${root}/${d}`);
    if (!names) continue;
    dirs.set(d, names);
    for (const n of names.filter((x) => x.endsWith('.conf'))) {
      const t = yield* readText(rt, `${root}/${d}/${n}`);
      if (t !== undefined) files.set(`${d}/${n}`, t);
    }
  }
  return { read: (p) => files.get(p), list: (d) => dirs.get(d) };
}

function* mkdirs(rt: Runtime, path: string): Sc<number> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    const r = yield* rt.sys.mkdir(at, 0o755);
    if (r < 0 && r !== -EEXIST) return r;
  }
  return 0;
}

function* writeFile(rt: Runtime, path: string, text: string): Sc<number> {
  const made = yield* mkdirs(rt, path.slice(0, path.lastIndexOf('/')));
  if (made < 0) return made;
  const fd = yield* rt.sys.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return fd;
  const n = yield* rt.sys.write(fd, utf8(text));
  yield* rt.sys.close(fd);
  return n < 0 ? n : 0;
}

export function* twinboxHw(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  const sys = yield* snapshotSys(rt);
  const cpuinfo = yield* readText(rt, '/proc/cpuinfo');
  const cmdline = (yield* readText(rt, '/proc/cmdline'))?.trim();
  const rootAt = args.findIndex((a) => a === '--target-root' || a.startsWith('--target-root='));
  const rootArg = rootAt < 0 ? undefined : args[rootAt].includes('=') ? args[rootAt].slice(args[rootAt].indexOf('=') + 1) : args[rootAt + 1];
  const root = rootArg?.replace(/\/+$/, '') ?? '';
  const target = rootArg === undefined ? undefined : yield* snapshotTarget(rt, root);
  const r = runHw(args, { sys, cpuinfo, cmdline, target: target ? () => target : undefined });
  rt.out.put(r.stdout);
  if (r.stderr) rt.err.put(r.stderr);
  for (const f of r.writes?.files ?? []) {
    const e = yield* writeFile(rt, `${root}/${f.path}`, f.text);
    if (e < 0) {
      yield* rt.error(`cannot write ${root}/${f.path}: ${strerror(e)}`);
      return 6;
    }
  }
  return r.exitCode;
}
