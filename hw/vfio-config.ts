// `hw vfio-config`: what an installer writes for GPU passthrough (seed Phase 1, Story 1.2.3):
// /etc/modprobe.d/vfio.conf, the mkinitcpio MODULES, the kernel parameters, and the bootloader
// edit. The edge cases of the seed each end in a documented exit status: errors stop (nothing
// is written), warnings are bit flags added to 0 so several can be reported at once.

import { iommuParam, iommuVendor, ACS_HINT, type CpuVendor } from './iommu';
import { fullBdf } from './pci-read';
import { scan, type Gpu, type ScanResult } from './scan';
import type { SysfsView } from './sysfs-view';
import { VFIO_MODULES } from './text-edits';

/** Exit statuses; docs/passthrough.md lists them. */
export const EXIT = {
  ok: 0,
  usage: 2,
  noGpu: 3,
  allBootVga: 4,
  unknownGpu: 5,
  applyFailed: 6,
  /** Warning flags (config still produced). */
  warnOneGpu: 16,
  warnSharedGroup: 32,
  warnIommuOff: 64,
} as const;

export interface VfioPlan {
  gpu: Gpu;
  /** vendor:device of the GPU and every other function of its slot, in address order. */
  ids: string[];
  vendor: CpuVendor;
  vendorGuessed: boolean;
  vfioConf: string;
  modules: string;
  kernelParams: string[];
  warnings: string[];
  exitCode: number;
}

export type PlanResult = { ok: true; plan: VfioPlan } | { ok: false; exitCode: number; error: string };

export const SOFTDEP_DRIVERS = ['nvidia', 'amdgpu', 'radeon', 'nouveau'] as const;

export function vfioConfText(gpu: Gpu, ids: readonly string[], hasAudio: boolean): string {
  const lines = [
    '# NeuronOS VFIO configuration, written by twinbox hw vfio-config',
    `# Target GPU: ${gpu.name} @ ${gpu.bdf}`,
    '',
    '# Bind these devices to vfio-pci',
    `options vfio-pci ids=${ids.join(',')}`,
    '',
    '# Load vfio-pci before the GPU drivers so it claims the devices first',
    ...SOFTDEP_DRIVERS.map((d) => `softdep ${d} pre: vfio-pci`),
  ];
  if (hasAudio) lines.push('softdep snd_hda_intel pre: vfio-pci');
  return lines.join('\n') + '\n';
}

function pickGpu(s: ScanResult, requested: string | undefined): { gpu: Gpu } | { exitCode: number; error: string } {
  if (s.gpus.length === 0) return { exitCode: EXIT.noGpu, error: 'No GPUs detected (no PCI class 0x03 device)' };
  if (requested !== undefined) {
    const bdf = fullBdf(requested);
    const gpu = bdf === undefined ? undefined : s.gpus.find((g) => g.bdf === bdf);
    if (!gpu) return { exitCode: EXIT.unknownGpu, error: `--gpu ${requested}: no such GPU (GPUs: ${s.gpus.map((g) => g.bdf).join(', ')})` };
    return { gpu };
  }
  const gpu = s.gpus.find((g) => g.bdf === s.candidate);
  if (!gpu) return { exitCode: EXIT.allBootVga, error: 'No suitable GPU for passthrough (all GPUs are boot VGA)' };
  return { gpu };
}

export interface PlanInput {
  view: SysfsView;
  cpuinfo?: string;
  cmdline?: string;
  gpu?: string;
  /** Overrides the detected vendor. */
  vendor?: CpuVendor;
}

export function planVfio(input: PlanInput): PlanResult {
  const s = scan(input.view);
  const picked = pickGpu(s, input.gpu);
  if ('error' in picked) return { ok: false, exitCode: picked.exitCode, error: picked.error };
  const { gpu } = picked;
  const warnings: string[] = [];
  let exitCode: number = EXIT.ok;
  if (s.gpus.length < 2) {
    warnings.push('Only one GPU detected. Single-GPU passthrough requires special handling (the host loses its display while the VM runs).');
    exitCode |= EXIT.warnOneGpu;
  }
  if (gpu.bootVga) warnings.push(`${gpu.bdf} is the boot VGA: the host console moves off it once vfio-pci claims it.`);
  if (gpu.groupClean === false) {
    warnings.push(`IOMMU group ${gpu.iommuGroup} contains other devices: ${ACS_HINT}.`);
    exitCode |= EXIT.warnSharedGroup;
  }
  const detected = iommuVendor(input.view, input.cpuinfo, input.cmdline);
  const vendor = input.vendor ?? detected ?? 'intel';
  if (!s.iommuEnabled) {
    warnings.push(`IOMMU is off (no IOMMU groups): the group cannot be checked until the host boots with ${iommuParam(vendor)}; enable VT-d/AMD-Vi in the firmware too.`);
    exitCode |= EXIT.warnIommuOff;
  }
  if (!input.vendor && !detected) warnings.push('CPU vendor unknown (no vendor_id in /proc/cpuinfo): assuming Intel; pass --cpu-vendor amd otherwise.');
  const ids = [...new Set([`${gpu.vendorId}:${gpu.deviceId}`, ...gpu.companions.map((c) => c.ids)])];
  const kernelParams = [iommuParam(vendor), 'iommu=pt', `vfio-pci.ids=${ids.join(',')}`];
  return {
    ok: true,
    plan: {
      gpu, ids, vendor, vendorGuessed: !input.vendor && !detected,
      vfioConf: vfioConfText(gpu, ids, gpu.companions.some((c) => c.audio)),
      modules: `MODULES=(${VFIO_MODULES.join(' ')})`, kernelParams, warnings, exitCode,
    },
  };
}

export function formatPlan(p: VfioPlan): string {
  const out = [
    `GPU: ${p.gpu.bdf} ${p.gpu.name} (ids ${p.ids.join(',')})`,
    '', '--- /etc/modprobe.d/vfio.conf ---', p.vfioConf.trimEnd(),
    '', '--- mkinitcpio.conf MODULES (VFIO first, existing entries kept) ---', p.modules,
    '', `--- Kernel parameters (${p.vendor === 'intel' ? 'Intel' : 'AMD'}) ---`, p.kernelParams.join(' '),
  ];
  if (p.warnings.length > 0) out.push('', 'Warnings:', ...p.warnings.map((w) => `  - ${w}`));
  return out.join('\n') + '\n';
}
