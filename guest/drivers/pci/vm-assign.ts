// Assigning host PCI devices to a libvirt-style VM, as libvirt and QEMU do it: each
// <hostdev type='pci'> of the domain XML names a device; managed='yes' ones are moved to
// vfio-pci first (libvirt's detach: driver_override, unbind, drivers_probe); then QEMU's
// vfio-pci opens /dev/vfio/GROUP and refuses a group that is not viable, i.e. one where a
// member is still bound to a host driver that does DMA. The wording of the failures is QEMU's
// (hw/vfio: "vfio %s: " prefix) inside libvirt's "Failed to start domain" report.

export interface Hostdev {
  /** 0000:01:00.0 */
  bdf: string;
  managed: boolean;
}

export interface DomainSpec {
  name: string;
  hostdevs: Hostdev[];
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}\\s*=\\s*['"]([^'"]*)['"]`).exec(tag)?.[1];

const hexField = (v: string | undefined, digits: number): string | undefined => {
  if (v === undefined || !/^(0x)?[0-9a-fA-F]+$/.test(v)) return undefined;
  const n = parseInt(v, 16);
  return Number.isNaN(n) || n >= 16 ** digits ? undefined : n.toString(16).padStart(digits, '0');
};

/** The domain name and PCI hostdevs of a libvirt domain XML, or an error in virsh's words. */
export function parseDomainXml(xml: string): DomainSpec | string {
  if (!/<domain\b/.test(xml)) return "XML error: missing root element 'domain'";
  const name = /<name>\s*([^<]*?)\s*<\/name>/.exec(xml)?.[1];
  if (!name) return 'XML error: missing domain name information';
  const hostdevs: Hostdev[] = [];
  for (const m of xml.matchAll(/<hostdev\b([^>]*)>([\s\S]*?)<\/hostdev>/g)) {
    const open = m[1]!;
    if (attr(open, 'type') !== 'pci') continue;
    const addr = /<source>[\s\S]*?<address\b([^>]*)\/?>/.exec(m[2]!)?.[1];
    if (!addr) return 'XML error: PCI host devices must have address specified';
    const domain = hexField(attr(addr, 'domain') ?? '0', 4), bus = hexField(attr(addr, 'bus'), 2);
    const slot = hexField(attr(addr, 'slot'), 2), fn = hexField(attr(addr, 'function') ?? '0', 1);
    if (!domain || !bus || !slot || !fn || parseInt(slot, 16) > 0x1f || parseInt(fn, 16) > 7) {
      return 'XML error: Invalid PCI address in hostdev source';
    }
    hostdevs.push({ bdf: `${domain}:${bus}:${slot}.${fn}`, managed: attr(open, 'managed') === 'yes' });
  }
  return { name, hostdevs };
}

/** What a start attempt saw of one assigned device, after libvirt's managed detach. */
export interface HostdevState {
  bdf: string;
  exists: boolean;
  group: number | undefined;
  /** VFIO_GROUP_GET_STATUS's VIABLE flag for its group. */
  viable: boolean;
}

/** QEMU's -device argument for the n-th hostdev, as libvirt writes it (JSON syntax since libvirt 8). */
export function qemuDeviceArg(bdf: string, index: number): string {
  return `-device {"driver":"vfio-pci","host":"${bdf}","id":"hostdev${index}"}`;
}

/** QEMU's vfio-pci realize: the first device whose group cannot be used stops the start. */
export function startFailure(states: readonly HostdevState[]): string | undefined {
  for (const [i, s] of states.entries()) {
    const prefix = `qemu-system-x86_64: ${qemuDeviceArg(s.bdf, i)}: vfio ${s.bdf}: `;
    if (!s.exists) return `${prefix}error getting device from group: No such device`;
    if (s.group === undefined) return `${prefix}no iommu_group found: No such file or directory`;
    if (!s.viable) {
      return `${prefix}group ${s.group} is not viable\nPlease ensure all devices within the iommu_group are bound to their vfio bus driver.`;
    }
  }
  return undefined;
}

/**
 * libvirt's qemuHostdevHostSupportsPassthroughVFIO: without IOMMU groups (IOMMU off) it refuses
 * before QEMU runs.
 */
export function noVfioSupport(domain: string): string {
  return `error: Failed to start domain '${domain}'\nerror: unsupported configuration: host doesn't support VFIO PCI passthrough\n`;
}

/** virsh start's report: success, or libvirt's wrapping of QEMU's error. */
export function startReport(domain: string, failure: string | undefined): { text: string; ok: boolean } {
  if (failure === undefined) return { ok: true, text: `Domain '${domain}' started\n` };
  return {
    ok: false,
    text: `error: Failed to start domain '${domain}'\nerror: internal error: qemu unexpectedly closed the monitor: ${failure}\n`,
  };
}
