// Whether Linux turns an IOMMU on, from the platform (an ACPI DMAR table exists when QEMU has
// -device intel-iommu; an IORT SMMUv3 node with -M virt,iommu=smmuv3) and the command line
// (intel_iommu=on|off, iommu=pt|nopt, iommu.passthrough=, pcie_acs_override=). Debian's
// kernels are built with CONFIG_INTEL_IOMMU_DEFAULT_ON unset, so VT-d needs intel_iommu=on;
// an SMMU is used whenever firmware describes one. AMD-Vi (an IVRS table, QEMU's -device
// amd-iommu) is on by default in Linux: amd_iommu=off turns it off (amd_iommu=on is not one of
// its options; Linux ignores it, and guides keep writing it).

import type { MachineDescription } from '../../../emulator/machine/description/types';
import { parseAcsOverride, type AcsOverride } from '../../../emulator/pci/iommu-groups';

export interface IommuConfig {
  /** Which IOMMU Linux drives, if any. */
  kind: 'intel' | 'amd' | 'smmuv3' | undefined;
  /** Default domain type: identity (iommu=pt) or DMA translation. */
  passthrough: boolean;
  acsOverride: AcsOverride | undefined;
  /** Kernel log lines about it, in the order Linux prints them. */
  log: string[];
}

function params(cmdline: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const w of cmdline.split(/\s+/)) {
    if (!w) continue;
    const eq = w.indexOf('=');
    // A later parameter of the same name wins, as with __setup handlers run in order.
    m.set(eq < 0 ? w : w.slice(0, eq), eq < 0 ? '' : w.slice(eq + 1));
  }
  return m;
}

export function decideIommu(desc: Pick<MachineDescription, 'machine' | 'devices' | 'machineOptions'>, cmdline: string): IommuConfig {
  const p = params(cmdline);
  const log: string[] = [];
  const intelOpts = (p.get('intel_iommu') ?? '').split(',');
  const iommuOpt = p.get('iommu');
  const passthrough = iommuOpt === 'pt' || p.get('iommu.passthrough') === '1' || p.get('iommu.passthrough') === 'on';
  let kind: IommuConfig['kind'];
  const vtd = desc.machine === 'q35' ? desc.devices.find((d) => d.driver === 'intel-iommu') : undefined;
  if (vtd) {
    if (intelOpts.includes('on')) {
      kind = 'intel';
      // QEMU's DMAR unit: 39-bit host addresses, one DRHD at 0xfed90000 covering every device.
      log.push('DMAR: IOMMU enabled', 'DMAR: Host address width 39', 'DMAR: DRHD base: 0x000000fed90000 flags: 0x0');
      if (vtd.props['intremap'] === 'on') log.push('DMAR-IR: Enabled IRQ remapping in xapic mode');
    } else if (intelOpts.includes('off')) log.push('DMAR: IOMMU disabled');
  } else if (desc.machine === 'virt' && desc.machineOptions['iommu'] === 'smmuv3') kind = 'smmuv3';
  const amdVi = desc.machine === 'q35' && !vtd ? desc.devices.find((d) => d.driver === 'amd-iommu') : undefined;
  if (amdVi && !(p.get('amd_iommu') ?? '').split(',').includes('off')) {
    kind = 'amd';
    if (amdVi.props['intremap'] === 'on') log.push('AMD-Vi: Interrupt remapping enabled');
  }
  if (iommuOpt === 'off') kind = undefined;
  let acsOverride: AcsOverride | undefined;
  const acs = p.get('pcie_acs_override');
  if (acs !== undefined) {
    const parsed = parseAcsOverride(acs);
    if ('error' in parsed) log.push(parsed.error);
    else acsOverride = parsed;
  }
  if (kind) {
    const viaCmdline = iommuOpt === 'pt' || iommuOpt === 'nopt' || p.has('iommu.passthrough') ? ' (set via kernel command line)' : '';
    log.push(`iommu: Default domain type: ${passthrough ? 'Passthrough' : 'Translated'}${viaCmdline}`);
    if (!passthrough) log.push('iommu: DMA domain TLB invalidation policy: lazy mode');
    if (kind === 'intel') log.push('DMAR: No RMRR found', 'DMAR: No ATSR found', 'DMAR: No SATC found', 'DMAR: dmar0: Using Queued invalidation');
  }
  return { kind, passthrough, acsOverride, log };
}
