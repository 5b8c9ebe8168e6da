// `twinbox hw SUBCOMMAND`: the NeuronOS passthrough tooling on a host. The subcommands shared
// with the guest's twinbox-hw (scan, iommu, vfio-config, vm-xml) run over a real /sys
// (--sysfs DIR, default /sys), or over a simulated machine booted in-process (--machine
// 'ARGS' or --profile FILE); export-sysfs writes a simulated machine's sysfs as a directory,
// capture runs hw/capture.sh, import turns a capture into a machine profile.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { splitShellWords } from '../../emulator/machine/description/shell-words';
import { HW_SUBCOMMANDS, runHw, type HwEnv } from '../../hw/commands';
import { exportSysfs } from '../../hw/export-sysfs';
import { DirSysfs, dirTarget, readHostText } from '../../hw/host-sysfs';
import { importCapture } from '../../hw/import';
import { bootSimHost } from '../../hw/sim-sysfs';
import { resolveMachine } from '../../scenarios/engine/machine';

export interface HwIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export const CAPTURE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../hw/capture.sh');

export const HW_HELP = `Usage: twinbox hw SUBCOMMAND [options] [--sysfs DIR | --machine 'QEMU ARGS' | --profile FILE]

  scan                      GPUs, boot VGA, IOMMU groups, drivers, the passthrough candidate
  iommu                     every IOMMU group, clean/shared verdict, ACS / IOMMU-off advice
  vfio-config               vfio.conf, mkinitcpio MODULES, kernel parameters
      [--gpu BDF] [--cpu-vendor intel|amd] [--target-root DIR] [--bootloader grub|systemd-boot] [--apply]
  vm-xml                    libvirt domain XML (q35, OVMF, hostdevs, Looking Glass shmem, pinning, TPM)
      [--gpu BDF] [--name N] [--memory MiB] [--vcpus N] [--resolution WxH] [--cpu-topology host|none]
      [--vendor-id ID] [--disk PATH] [--ovmf-code F] [--ovmf-vars F] [--viommu]
  export-sysfs DIR          write a simulated machine's sysfs as a directory tree
  capture                   run hw/capture.sh over /sys (or --sysfs DIR): YAML on stdout
  import FILE               a capture as a machine profile (YAML on stdout)

  --json for machine-readable output; exit statuses in docs/passthrough.md.
`;

const HOST_OPTIONS = new Set(['--sysfs', '--machine', '--profile', '--cpuinfo']);

/** Splits the host-only options (which all take a value) from the subcommand's own. */
function hostOptions(argv: readonly string[]): { host: Map<string, string>; rest: string[] } | string {
  const host = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!HOST_OPTIONS.has(name)) {
      rest.push(a);
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return `option ${name} needs a value`;
    host.set(name.slice(2), value);
  }
  return { host, rest };
}

async function simEnv(host: Map<string, string>, cwd: string): Promise<HwEnv | string> {
  const args = host.get('machine');
  const profile = host.get('profile');
  if (args !== undefined && profile !== undefined) return 'give --machine or --profile, not both';
  let desc;
  if (profile !== undefined) desc = await resolveMachine({ kind: 'profile', path: profile }, cwd, profile);
  else {
    const words = splitShellWords(args ?? '');
    if (!words.ok) return `--machine: ${words.error}`;
    desc = await resolveMachine({ kind: 'args', args: words.value }, cwd, 'command line');
  }
  if (!desc.ok) return desc.error;
  const b = bootSimHost(desc.value);
  return b.ok ? { ...b.host } : b.error;
}

async function envFor(host: Map<string, string>, cwd: string): Promise<HwEnv | string> {
  if (host.has('machine') || host.has('profile')) {
    if (host.has('sysfs')) return 'give --sysfs or a simulated machine (--machine/--profile), not both';
    return simEnv(host, cwd);
  }
  const sysfs = host.get('sysfs') ?? '/sys';
  const realHost = sysfs === '/sys';
  const cpuinfoPath = host.get('cpuinfo') ?? (realHost ? '/proc/cpuinfo' : undefined);
  return {
    sys: new DirSysfs(resolve(cwd, sysfs)),
    cpuinfo: cpuinfoPath === undefined ? undefined : readHostText(cpuinfoPath),
    cmdline: realHost ? readHostText('/proc/cmdline')?.trim() : undefined,
  };
}

function performWrites(root: string, files: ReadonlyArray<{ path: string; text: string }>): string | undefined {
  try {
    for (const f of files) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.text);
    }
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export async function hwCommand(argv: readonly string[], io: HwIo): Promise<number> {
  const split = hostOptions(argv);
  if (typeof split === 'string') {
    io.stderr(`twinbox hw: ${split}\n`);
    return 2;
  }
  const [sub, ...rest] = split.rest;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? io.stderr : io.stdout)(HW_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'capture') return capture(split.host, io);
  if (sub === 'import') return importCommand(rest, io);
  if (sub === 'export-sysfs' && !split.host.has('machine') && !split.host.has('profile')) {
    // Reading every attribute of a real /sys can block or have side effects; the export is for simulated machines.
    io.stderr('twinbox hw: export-sysfs: give the simulated machine with --machine or --profile\n');
    return 2;
  }
  const env = await envFor(split.host, io.cwd);
  if (typeof env === 'string') {
    io.stderr(`twinbox hw: ${env}\n`);
    return 2;
  }
  if (sub === 'export-sysfs') return exportCommand(rest, env, io);
  const r = runHw(split.rest, { ...env, target: (root) => dirTarget(resolve(io.cwd, root)) });
  io.stdout(r.stdout);
  io.stderr(r.stderr);
  if (r.writes) {
    const failed = performWrites(resolve(io.cwd, r.writes.root), r.writes.files);
    if (failed) {
      io.stderr(`twinbox hw: error: writing under ${r.writes.root}: ${failed}\n`);
      return 6;
    }
  }
  return r.exitCode;
}

function exportCommand(rest: readonly string[], env: HwEnv, io: HwIo): number {
  if (rest.length !== 1) {
    io.stderr('twinbox hw: export-sysfs: expected one output directory\n');
    return 2;
  }
  try {
    const s = exportSysfs(env.sys, resolve(io.cwd, rest[0]));
    io.stdout(`exported ${s.dirs} directories, ${s.files} files, ${s.links} links to ${rest[0]}\n`);
    return 0;
  } catch (e) {
    io.stderr(`twinbox hw: export-sysfs: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function capture(host: Map<string, string>, io: HwIo): number {
  const root = resolve(io.cwd, host.get('sysfs') ?? '/sys');
  const r = spawnSync('sh', [CAPTURE_SCRIPT], { env: { ...process.env, SYSFS_ROOT: root }, encoding: 'utf8', maxBuffer: 64 << 20 });
  io.stdout(r.stdout ?? '');
  io.stderr(r.stderr ?? '');
  return r.status ?? 1;
}

function importCommand(rest: readonly string[], io: HwIo): number {
  if (rest.length !== 1) {
    io.stderr('twinbox hw: import: expected one capture file\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, rest[0]), 'utf8');
  } catch (e) {
    io.stderr(`twinbox hw: import: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const r = importCapture(text);
  if (!r.ok) {
    io.stderr(`twinbox hw: import: ${r.error}\n`);
    return 1;
  }
  io.stdout(r.profile);
  return 0;
}

export function registerHw(program: Command): void {
  program
    .command('hw')
    .description(`GPU passthrough tooling (NeuronOS): ${HW_SUBCOMMANDS.join(', ')}, export-sysfs DIR, capture, import FILE; ` +
      'over /sys, --sysfs DIR, or a simulated machine (--machine "ARGS" | --profile FILE)')
    .argument('[args...]', 'subcommand and its options (see docs/passthrough.md)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async (args: string[]) => {
      process.exitCode = await hwCommand(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() });
    });
}
