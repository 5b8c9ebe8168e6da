// lspci -v's body (pciutils 3.9 show_verbose at verbose level 1) from a device's
// configuration space: the prog-if of the header line, Flags, the BARs (sizes from sysfs
// `resource`), a bridge's bus numbers and windows, and the capability list with the one-line
// summaries pciutils prints at this level.

const hex = (v: number | bigint, digits: number) => v.toString(16).padStart(digits, '0');

const PROG_IF_NAMES: Record<string, string> = {
  '030000': 'VGA controller', '030001': '8514 controller', '060400': 'Normal decode', '060401': 'Subtractive decode',
  '010601': 'AHCI 1.0', '0c0330': 'XHCI', '0c0320': 'EHCI', '0c0310': 'OHCI', '0c0300': 'UHCI', '010802': 'NVM Express',
};

/** " (prog-if 00 [VGA controller])", or "" when the byte is 0 and has no name. */
export function progIfText(classCode: number): string {
  const pi = classCode & 0xff;
  const name = PROG_IF_NAMES[hex(classCode, 6)];
  if (!pi && !name) return '';
  return ` (prog-if ${hex(pi, 2)}${name ? ` [${name}]` : ''})`;
}

/** pciutils show_size: " [size=16M]". */
export function sizeText(bytes: bigint): string {
  if (bytes === 0n) return '';
  const suffix = ['', 'K', 'M', 'G', 'T'];
  let i = 0, x = bytes;
  while (i < suffix.length - 1 && x % 1024n === 0n) {
    x /= 1024n;
    i++;
  }
  return ` [size=${x}${suffix[i]}]`;
}

class Cfg {
  constructor(readonly b: Uint8Array) {}
  u8(o: number): number {
    return o < this.b.length ? this.b[o]! : 0xff;
  }
  u16(o: number): number {
    return this.u8(o) | (this.u8(o + 1) << 8);
  }
  u32(o: number): number {
    return (this.u16(o) | (this.u16(o + 2) << 16)) >>> 0;
  }
}

export interface VerboseInput {
  config: Uint8Array;
  /** BAR sizes in bytes by BAR index, from sysfs `resource` (0 when unknown). */
  barSizes: bigint[];
  subsystem: string | undefined;
  iommuGroup: string | undefined;
  /** Names a subsystem ID pair for the SSVID capability line. */
  subsystemName(subVendor: number, subDevice: number): string;
}

function flagsLine(c: Cfg, iommuGroup: string | undefined): string {
  const cmd = c.u16(4), status = c.u16(6);
  const parts: string[] = [];
  if (cmd & 0x4) parts.push('bus master');
  if (cmd & 0x20) parts.push('VGA palette snoop');
  if (cmd & 0x80) parts.push('stepping');
  if (cmd & 0x200) parts.push('fast Back2Back');
  if (status & 0x20) parts.push('66MHz');
  if (status & 0x40) parts.push('user-definable features');
  const devsel = (status >> 9) & 3;
  let text = `${parts.map((p) => `${p}, `).join('')}${['fast', 'medium', 'slow', '??'][devsel]} devsel`;
  if (cmd & 0x4) text += `, latency ${c.u8(0x0d)}`;
  const irq = c.u8(0x3c);
  if (irq) text += `, IRQ ${irq}`;
  if (iommuGroup !== undefined) text += `, IOMMU group ${iommuGroup}`;
  return `\tFlags: ${text}\n`;
}

function barLines(c: Cfg, count: number, sizes: bigint[]): string {
  const cmd = c.u16(4);
  let out = '';
  for (let i = 0; i < count; i++) {
    let flg = c.u32(0x10 + 4 * i);
    if (flg === 0xffff_ffff) flg = 0;
    const len = sizes[i] ?? 0n;
    if (!flg && !len) continue;
    if (flg & 1) {
      const a = flg & ~3;
      out += `\tI/O ports at ${a || cmd & 1 ? hex(a >>> 0, 4) : flg & ~3 ? '<ignored>' : '<unassigned>'}${cmd & 1 ? '' : ' [disabled]'}${sizeText(len)}\n`;
      continue;
    }
    const t = (flg >> 1) & 3;
    let a = BigInt((flg & ~0xf) >>> 0);
    if (t === 2 && i + 1 < count) a |= BigInt(c.u32(0x10 + 4 * ++i)) << 32n;
    const type = t === 0 ? '32-bit' : t === 2 ? '64-bit' : t === 1 ? 'low-1M' : 'type 3';
    out += `\tMemory at ${a ? hex(a, 8) : '<unassigned>'} (${type}, ${flg & 8 ? '' : 'non-'}prefetchable)${cmd & 2 ? '' : ' [disabled]'}${sizeText(len)}\n`;
  }
  return out;
}

function rangeLine(prefix: string, base: bigint, limit: bigint, bits: number): string {
  const digits = bits === 16 ? 4 : bits === 32 ? 8 : 16;
  const body = base <= limit ? ` ${hex(base, digits)}-${hex(limit, digits)}${sizeText(limit - base + 1n)}` : ' [disabled]';
  return `\t${prefix}:${body} [${bits}-bit]\n`;
}

function bridgeLines(c: Cfg): string {
  let out = `\tBus: primary=${hex(c.u8(0x18), 2)}, secondary=${hex(c.u8(0x19), 2)}, subordinate=${hex(c.u8(0x1a), 2)}, sec-latency=${c.u8(0x1b)}\n`;
  const ioB = c.u8(0x1c), ioL = c.u8(0x1d), ioT = ioB & 0xf;
  if (ioT !== (ioL & 0xf) || (ioT !== 0 && ioT !== 1)) out += `\t!!! Unknown I/O range types ${hex(ioB, 1)}/${hex(ioL, 1)}\n`;
  else {
    let base = BigInt((ioB & 0xf0) << 8), limit = BigInt((ioL & 0xf0) << 8);
    if (ioT === 1) {
      base |= BigInt(c.u16(0x30)) << 16n;
      limit |= BigInt(c.u16(0x32)) << 16n;
    }
    out += rangeLine('I/O behind bridge', base, limit + 0xfffn, ioT === 1 ? 32 : 16);
  }
  const mB = c.u16(0x20), mL = c.u16(0x22);
  if ((mB & 0xf) !== (mL & 0xf) || mB & 0xf) out += `\t!!! Unknown memory range types ${hex(mB & 0xf, 1)}/${hex(mL & 0xf, 1)}\n`;
  else out += rangeLine('Memory behind bridge', BigInt((mB & 0xfff0) << 16 >>> 0), BigInt((mL & 0xfff0) << 16 >>> 0) + 0xfffffn, 32);
  const pB = c.u16(0x24), pL = c.u16(0x26), pT = pB & 0xf;
  if (pT !== (pL & 0xf) || (pT !== 0 && pT !== 1)) out += `\t!!! Unknown prefetchable memory range types ${hex(pB, 1)}/${hex(pL, 1)}\n`;
  else {
    let base = BigInt((pB & 0xfff0) << 16 >>> 0), limit = BigInt((pL & 0xfff0) << 16 >>> 0) | 0xfffffn;
    if (pT === 1) {
      base |= BigInt(c.u32(0x28)) << 32n;
      limit |= BigInt(c.u32(0x2c)) << 32n;
    }
    out += rangeLine('Prefetchable memory behind bridge', base, limit, pT === 1 ? 64 : 32);
  }
  return out;
}

const EXPRESS_TYPES: Record<number, string> = {
  0: 'Endpoint', 1: 'Legacy Endpoint', 5: 'Upstream Port', 7: 'PCI-Express to PCI/PCI-X Bridge',
  8: 'PCI/PCI-X to PCI-Express Bridge', 9: 'Root Complex Integrated Endpoint', 10: 'Root Complex Event Collector',
};

function capText(c: Cfg, at: number, id: number, vendorId: number, input: VerboseInput): string {
  const w = c.u16(at + 2);
  const pm = (b: number) => (b ? '+' : '-');
  switch (id) {
    case 0x01: return `Power Management version ${w & 7}`;
    case 0x05: return `MSI: Enable${pm(w & 1)} Count=${1 << ((w >> 4) & 7)}/${1 << ((w >> 1) & 7)} Maskable${pm(w & 0x100)} 64bit${pm(w & 0x80)}`;
    case 0x11: return `MSI-X: Enable${pm(w & 0x8000)} Count=${(w & 0x7ff) + 1} Masked${pm(w & 0x4000)}`;
    case 0x10: {
      const type = (w >> 4) & 0xf, slot = `(Slot${pm(w & 0x100)})`;
      const name = type === 4 ? `Root Port ${slot}` : type === 6 ? `Downstream Port ${slot}` : EXPRESS_TYPES[type] ?? `Unknown type ${type}`;
      return `Express ${name}, MSI ${hex((w >> 9) & 0x1f, 2)}`;
    }
    case 0x0d: return `Subsystem: ${input.subsystemName(c.u16(at + 4), c.u16(at + 6))}`;
    case 0x12: return `SATA HBA v${(c.u8(at + 2) >> 4) & 0xf}.${c.u8(at + 2) & 0xf}`;
    case 0x0c: return 'Hot-plug capable';
    case 0x03: return 'Vital Product Data';
    case 0x09: {
      if (vendorId !== 0x1af4) return `Vendor Specific Information: Len=${hex(c.u8(at + 2), 2)} <?>`;
      const kinds: Record<number, string> = { 1: 'CommonCfg', 2: 'Notify', 3: 'ISR', 4: 'DeviceCfg' };
      return `Vendor Specific Information: VirtIO: ${kinds[c.u8(at + 3)] ?? '<unknown>'}`;
    }
    default: return `#${hex(id, 2)} [${hex(w, 4)}]`;
  }
}

const EXT_NAMES: Record<number, string> = {
  0x01: 'Advanced Error Reporting', 0x02: 'Virtual Channel', 0x0d: 'Access Control Services',
  0x0e: 'Alternative Routing-ID Interpretation (ARI)', 0x10: 'Single Root I/O Virtualization (SR-IOV)',
  0x18: 'Latency Tolerance Reporting', 0x19: 'Secondary PCI Express', 0x1e: 'L1 PM Substates',
};

function capLines(c: Cfg, input: VerboseInput): string {
  let out = '';
  if (!(c.u16(6) & 0x10)) return out;
  const seen = new Set<number>();
  let isExpress = false;
  for (let at = c.u8(0x34) & ~3, ttl = 48; at && ttl > 0 && !seen.has(at); ttl--) {
    seen.add(at);
    const id = c.u8(at);
    if (id === 0xff) break;
    if (id === 0x10) isExpress = true;
    out += `\tCapabilities: [${hex(at, 2)}] ${capText(c, at, id, c.u16(0), input)}\n`;
    at = c.u8(at + 1) & ~3;
  }
  if (!isExpress || c.b.length <= 0x100) return out;
  for (let at = 0x100, ttl = 480; at && ttl > 0 && !seen.has(at); ttl--) {
    seen.add(at);
    const h = c.u32(at);
    if (h === 0 || h === 0xffff_ffff) break;
    const id = h & 0xffff;
    const text = id === 0x03
      ? `Device Serial Number ${[...Array(8)].map((_, i) => hex(c.u8(at + 11 - i), 2)).join('-')}`
      : EXT_NAMES[id] ?? `Extended Capability ID ${hex(id, 4)}`;
    out += `\tCapabilities: [${hex(at, 3)}] ${text}\n`;
    at = (h >>> 20) & ~3;
  }
  return out;
}

/** The lines after the header and before the kernel lines: Subsystem, Flags, regions, capabilities. */
export function verboseBody(input: VerboseInput): string {
  const c = new Cfg(input.config);
  const headerType = c.u8(0x0e) & 0x7f;
  let out = input.subsystem ? `\tSubsystem: ${input.subsystem}\n` : '';
  out += flagsLine(c, input.iommuGroup);
  if (headerType === 1) out += barLines(c, 2, input.barSizes) + bridgeLines(c);
  else if (headerType === 0) out += barLines(c, 6, input.barSizes);
  return out + capLines(c, input);
}
