// The subcommands both `twinbox hw` on a host and `twinbox-hw` in the guest run: scan, iommu,
// vfio-config, vm-xml. Pure: the caller supplies the views and performs the returned writes.

import { intOption, parseArgs, type ParsedArgs } from './args';
import { readCores } from './cpu-topology';
import { formatIommu, iommuReport, type CpuVendor } from './iommu';
import { formatScan, scan } from './scan';
import type { SysfsView } from './sysfs-view';
import { applyPlan, type Bootloader, type FileWrite, type TargetFiles } from './vfio-apply';
import { EXIT, formatPlan, planVfio, type VfioPlan } from './vfio-config';
import { checkName, hugepagesFor, parseResolution, vmXml } from './vm-xml';

export interface HwEnv {
  sys: SysfsView;
  cpuinfo?: string;
  cmdline?: string;
  /** The files under a --target-root, for --apply. */
  target?: (root: string) => TargetFiles;
}

export interface HwOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Files to write under `root` (vfio-config --apply). */
  writes?: { root: string; files: FileWrite[] };
}

export const HW_SUBCOMMANDS = ['scan', 'iommu', 'vfio-config', 'vm-xml'] as const;

const SPECS: Record<string, Record<string, boolean>> = {
  scan: { json: false },
  iommu: { json: false },
  'vfio-config': { json: false, gpu: true, 'target-root': true, bootloader: true, apply: false, 'cpu-vendor': true },
  'vm-xml': {
    json: false, gpu: true, name: true, memory: true, vcpus: true, resolution: true, 'cpu-topology': true,
    'vendor-id': true, disk: true, 'ovmf-code': true, 'ovmf-vars': true, viommu: false,
  },
};

const usage = (error: string): HwOutput => ({ stdout: '', stderr: `twinbox hw: ${error}\n`, exitCode: EXIT.usage });
const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

export function runHw(argv: readonly string[], env: HwEnv): HwOutput {
  const [sub, ...rest] = argv;
  if (sub === undefined || !(sub in SPECS)) return usage(`expected a subcommand: ${HW_SUBCOMMANDS.join(', ')}`);
  const parsed = parseArgs(rest, SPECS[sub]);
  if (!parsed.ok) return usage(`${sub}: ${parsed.error}`);
  const a = parsed.value;
  if (a.positional.length > 0) return usage(`${sub}: unexpected argument '${a.positional[0]}'`);
  switch (sub) {
    case 'scan': {
      const r = scan(env.sys);
      return { stdout: a.flags.has('json') ? json(r) : formatScan(r), stderr: '', exitCode: 0 };
    }
    case 'iommu': {
      const r = iommuReport(env.sys, env.cpuinfo, env.cmdline);
      return { stdout: a.flags.has('json') ? json(r) : formatIommu(r), stderr: '', exitCode: 0 };
    }
    case 'vfio-config': return vfioConfig(a, env);
    default: return vmXmlCommand(a, env);
  }
}

function vendorOption(a: ParsedArgs): CpuVendor | undefined | string {
  const v = a.values.get('cpu-vendor');
  if (v === undefined || v === 'intel' || v === 'amd') return v;
  return `--cpu-vendor ${v}: expected intel or amd`;
}

function vfioConfig(a: ParsedArgs, env: HwEnv): HwOutput {
  const vendor = vendorOption(a);
  if (typeof vendor === 'string' && vendor !== 'intel' && vendor !== 'amd') return usage(`vfio-config: ${vendor}`);
  const loaderText = a.values.get('bootloader');
  if (loaderText !== undefined && loaderText !== 'grub' && loaderText !== 'systemd-boot') return usage(`vfio-config: --bootloader ${loaderText}: expected grub or systemd-boot`);
  const root = a.values.get('target-root');
  if (a.flags.has('apply') && root === undefined) return usage('vfio-config: --apply needs --target-root DIR');
  const r = planVfio({ view: env.sys, cpuinfo: env.cpuinfo, cmdline: env.cmdline, gpu: a.values.get('gpu'), vendor: vendor as CpuVendor | undefined });
  const asJson = a.flags.has('json');
  if (!r.ok) {
    return asJson
      ? { stdout: json({ ok: false, error: r.error, exitCode: r.exitCode }), stderr: '', exitCode: r.exitCode }
      : { stdout: '', stderr: `twinbox hw: error: ${r.error}\n`, exitCode: r.exitCode };
  }
  const p = r.plan;
  const warnText = p.warnings.map((w) => `twinbox hw: warning: ${w}\n`).join('');
  if (!a.flags.has('apply')) {
    return asJson ? { stdout: json(planJson(p)), stderr: '', exitCode: p.exitCode } : { stdout: formatPlan(p), stderr: warnText, exitCode: p.exitCode };
  }
  if (!env.target) return usage('vfio-config: --apply is not available here');
  const applied = applyPlan(p, env.target(root!), loaderText as Bootloader | undefined);
  if (applied.error) {
    const text = `twinbox hw: error: ${applied.error}\n`;
    return asJson ? { stdout: json({ ok: false, error: applied.error, exitCode: EXIT.applyFailed }), stderr: '', exitCode: EXIT.applyFailed } : { stdout: '', stderr: text, exitCode: EXIT.applyFailed };
  }
  const stdout = asJson
    ? json({ ...planJson(p), applied: { root, bootloader: applied.bootloader, report: applied.report } })
    : formatPlan(p) + `\nApplied to ${root} (${applied.bootloader}):\n` + applied.report.map((l) => `  ${l}\n`).join('');
  return { stdout, stderr: asJson ? '' : warnText, exitCode: p.exitCode, writes: { root: root!, files: applied.writes } };
}

function planJson(p: VfioPlan) {
  return {
    ok: true, gpu: p.gpu.bdf, ids: p.ids, cpuVendor: p.vendor, vfioConf: p.vfioConf, mkinitcpioModules: p.modules,
    kernelParams: p.kernelParams.join(' '), warnings: p.warnings, exitCode: p.exitCode,
  };
}

function vmXmlCommand(a: ParsedArgs, env: HwEnv): HwOutput {
  const name = a.values.get('name') ?? 'win11';
  const bad = checkName(name);
  if (bad) return usage(`vm-xml: ${bad}`);
  const res = parseResolution(a.values.get('resolution') ?? '1920x1080');
  if (!res) return usage(`vm-xml: --resolution ${a.values.get('resolution')}: expected WxH (320x200 to 16384x16384)`);
  const topo = a.values.get('cpu-topology') ?? 'host';
  if (topo !== 'host' && topo !== 'none') return usage(`vm-xml: --cpu-topology ${topo}: expected host or none`);
  const cores = topo === 'host' ? readCores(env.sys) : [];
  const logical = cores.reduce((n, c) => n + c.cpus.length, 0);
  const memory = intOption(a, 'memory', 16384, 256, 16 * 1024 * 1024);
  const vcpus = intOption(a, 'vcpus', logical >= 4 ? Math.floor(logical / 2) : 8, 1, 4096);
  if (typeof memory === 'string') return usage(`vm-xml: ${memory}`);
  if (typeof vcpus === 'string') return usage(`vm-xml: ${vcpus}`);
  const vendorId = a.values.get('vendor-id') ?? 'randomid';
  if (!/^[A-Za-z0-9]{1,12}$/.test(vendorId)) return usage(`vm-xml: --vendor-id ${vendorId}: 1 to 12 letters or digits (Hyper-V's limit)`);
  const r = planVfio({ view: env.sys, cpuinfo: env.cpuinfo, cmdline: env.cmdline, gpu: a.values.get('gpu') });
  if (!r.ok) return { stdout: '', stderr: `twinbox hw: error: ${r.error}\n`, exitCode: r.exitCode };
  const gpu = r.plan.gpu;
  const xml = vmXml({
    name, memoryMiB: memory, vcpus, width: res[0], height: res[1], cores, vendorId,
    hostdevs: [gpu.bdf, ...gpu.companions.map((c) => c.bdf)],
    diskPath: a.values.get('disk') ?? `/var/lib/libvirt/images/${name}.qcow2`,
    ovmfCode: a.values.get('ovmf-code') ?? '/usr/share/edk2/x64/OVMF_CODE.4m.fd',
    ovmfVars: a.values.get('ovmf-vars') ?? '/usr/share/edk2/x64/OVMF_VARS.4m.fd',
    viommu: a.flags.has('viommu'),
  });
  const notes = [`hugepages: vm.nr_hugepages = ${hugepagesFor(memory)} (2 MiB pages for ${memory} MiB)`];
  if (cores.length === 0) notes.push('no host CPU topology (/sys/devices/system/cpu/cpu*/topology): vCPUs are not pinned');
  else if (!xml.includes('<cputune>')) notes.push(`cannot pin ${vcpus} vCPUs on ${logical} host CPUs with one core kept for the host: vCPUs are not pinned`);
  if (a.flags.has('json')) return { stdout: json({ xml, gpu: gpu.bdf, notes }), stderr: '', exitCode: 0 };
  return { stdout: xml, stderr: notes.map((n) => `twinbox hw: note: ${n}\n`).join(''), exitCode: 0 };
}
