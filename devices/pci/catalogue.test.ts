// The catalogue against real QEMU 7.2: every function of the captured machines, rebuilt by
// twinbox from the same arguments, must present the same identity, header, capability
// layout, PCIe port type, ACS capability and BAR types at the same BB:DD.F.

import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../../emulator/machine/description/types';
import { bytesReader, findCapability, findExtCapability, listCapabilities, listExtCapabilities, parsePcieCap, type ConfigRead } from '../../emulator/pci/capabilities';
import { assignBusNumbers, treeAccess } from '../../emulator/pci/enumerate';
import { assignResources } from '../../emulator/pci/resources';
import { buildTopology } from '../../emulator/pci/topology';
import { CAP_ID_EXP, CAP_ID_MSI, CAP_ID_MSIX, CAP_ID_VENDOR, EXT_CAP_ID_ACS, STATUS_CAP_LIST } from '../../emulator/pci/regs';
import { catalogueDrivers, catalogueEntry } from './catalogue';
import { bdfKey, deviceSpecsOf, readCapture } from './fixtures/qemu-config';

/** QEMU adds its default NIC (e1000e) during machine init, before the -device list, unless -nodefaults. */
function withDefaults(args: string[]): DeviceSpec[] {
  const specs = deviceSpecsOf(args);
  return args.includes('-nodefaults') || args.includes('virt') ? specs : [{ driver: 'e1000e', props: {}, implicit: true }, ...specs];
}

function summary(read: ConfigRead): Record<string, unknown> {
  const headerType = read(0x0e, 1);
  const type0 = (headerType & 0x7f) === 0;
  const caps = listCapabilities(read).filter((c) => c.id !== CAP_ID_VENDOR);
  const exp = findCapability(read, CAP_ID_EXP);
  const msi = findCapability(read, CAP_ID_MSI);
  const msix = findCapability(read, CAP_ID_MSIX);
  const acs = exp === undefined ? undefined : findExtCapability(read, EXT_CAP_ID_ACS);
  const barCount = type0 ? 6 : 2;
  return {
    id: [read(0, 2), read(2, 2), read(8, 4) >>> 8, read(8, 1)].map((n) => n.toString(16)).join(' '),
    headerType, status: read(6, 2), command: read(4, 2) & 0x3, pin: read(0x3d, 1),
    subsystem: type0 ? `${read(0x2c, 2).toString(16)}:${read(0x2e, 2).toString(16)}` : undefined,
    caps: caps.map((c) => `${c.id.toString(16)}@${c.offset.toString(16)}`).join(','),
    ext: exp === undefined ? [] : listExtCapabilities(read).map((c) => `${c.id.toString(16)}v${c.version}@${c.offset.toString(16)}`),
    pcie: exp === undefined ? undefined : parsePcieCap(read, exp),
    msiControl: msi === undefined ? undefined : read(msi + 2, 2),
    msix: msix === undefined ? undefined : [read(msix + 2, 2), read(msix + 4, 4), read(msix + 8, 4)],
    acs: acs === undefined ? undefined : [read(acs + 4, 2), read(acs + 6, 2)],
    // Type bits of each BAR (I/O, 64-bit, prefetchable); addresses are firmware's business.
    barTypes: Array.from({ length: barCount }, (_, i) => (read(0x10 + 4 * i, 4) === 0 ? '-' : (read(0x10 + 4 * i, 4) & 0xf).toString(16))).join(''),
    extendedSpace: read(0x100, 4) === 0xffffffff ? 'none' : 'pcie',
    // Bus numbers, windows and bridge control as reset leaves them (compared where no firmware ran).
    bridgeRegisters: type0 ? undefined : Array.from({ length: 7 }, (_, i) => read(0x18 + 4 * i, 4).toString(16)).join(' ') + ' ' + read(0x3e, 2).toString(16),
  };
}

function isVirtio(s: Record<string, unknown>): boolean {
  return String(s.id).startsWith('1af4 10');
}

describe.each(['q35-dual-display', 'q35-zoo', 'q35-virtio-vga', 'q35-libvirt-ports', 'virt-root'])('catalogue vs QEMU 7.2 (%s)', (name) => {
  const capture = readCapture(name);
  const topo = buildTopology(capture.machine, withDefaults(capture.args));
  if (!topo.ok) throw new Error(topo.error);
  const access = treeAccess(topo.tree);
  if (capture.machine === 'q35') {
    // The q35 captures ran SeaBIOS; virt's ran no firmware, so its functions are as reset left them.
    assignBusNumbers(access);
    assignResources(topo.tree, { io: { base: 0x1000, sizeBytes: 0xf000 }, mem: { base: 0xc000_0000, sizeBytes: 0x3ec0_0000 } });
  }

  it('has a function at every captured address and none elsewhere', () => {
    const ours = topo.tree.allDevices().map((d) => bdfKey(topo.tree.numberOf(d.parent), d.devfn)).sort();
    expect(ours).toEqual([...capture.functions.keys()].sort());
  });

  it.each([...capture.functions.keys()])('%s presents what QEMU presents', (key) => {
    const [bus, rest] = key.split(':');
    const [dev, fn] = rest.split('.');
    const df = (parseInt(dev, 16) << 3) | parseInt(fn, 10);
    const ours = summary((o, s) => access.read(parseInt(bus, 16), df, o, s));
    const theirs = summary(bytesReader(capture.functions.get(key) ?? new Uint8Array(4096)));
    if (capture.machine === 'q35') {
      // SeaBIOS chose the window addresses; ours differ by design (see resources.ts).
      ours.bridgeRegisters = theirs.bridgeRegisters = undefined;
    }
    if (isVirtio(ours)) {
      // The virtio transport (not this catalogue) adds the vendor capabilities, which alone can set the list bit.
      ours.status = Number(ours.status) & ~STATUS_CAP_LIST;
      theirs.status = Number(theirs.status) & ~STATUS_CAP_LIST;
    }
    expect(ours).toEqual(theirs);
  });
});

describe('catalogue entries', () => {
  it('every entry builds and has a unique driver name', () => {
    const names = catalogueDrivers();
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(catalogueEntry(n)?.identity.vendorId).toBeGreaterThan(0);
  });
});
