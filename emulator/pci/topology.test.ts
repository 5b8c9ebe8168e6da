import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../machine/description/types';
import { assignBusNumbers, treeAccess } from './enumerate';
import { buildFunction } from '../../devices/pci/build';
import { catalogueEntry } from '../../devices/pci/catalogue';
import { buildTopology, parsePciAddr } from './topology';

const d = (driver: string, extra: Partial<DeviceSpec> = {}, props: Record<string, string> = {}): DeviceSpec => ({ driver, props, ...extra });

function addresses(specs: DeviceSpec[], machine: 'q35' | 'virt' = 'q35'): string[] {
  const t = buildTopology(machine, specs);
  if (!t.ok) throw new Error(t.error);
  assignBusNumbers(treeAccess(t.tree));
  return t.tree.allDevices().map((n) => `${t.tree.addressOf(n).slice(5)} ${n.driver}`);
}

function error(specs: DeviceSpec[]): string {
  const t = buildTopology('q35', specs);
  return t.ok ? 'ok' : t.error;
}

describe('parsePciAddr (QEMU parses slot.fn as hex)', () => {
  it.each([
    ['2', { slot: 2, fn: 0 }], ['0x1f.2', { slot: 0x1f, fn: 2 }], ['1f.7', { slot: 0x1f, fn: 7 }], ['10', { slot: 0x10, fn: 0 }],
  ])('%s', (text, want) => expect(parsePciAddr(text)).toEqual(want));
  it.each(['20', '1.8', 'x', '', '1.', '-1'])('refuses %s', (text) => expect(parsePciAddr(text)).toBeUndefined());
});

describe('buildTopology', () => {
  it('q35 board devices and first-free-slot placement in command-line order', () => {
    expect(addresses([d('VGA'), d('e1000e'), d('virtio-net-pci')])).toEqual([
      '00:00.0 mch', '00:01.0 VGA', '00:02.0 e1000e', '00:03.0 virtio-net-pci',
      '00:1f.0 ICH9-LPC', '00:1f.2 ich9-ahci', '00:1f.3 ICH9-SMB',
    ]);
  });

  it('virt has the GPEX host bridge at 00.0 and nothing at 1f', () => {
    expect(addresses([d('virtio-blk-pci')], 'virt')).toEqual(['00:00.0 gpex-root', '00:01.0 virtio-blk-pci']);
  });

  it('skips non-PCI devices and board devices the description repeats', () => {
    expect(addresses([d('intel-iommu'), d('mch'), d('usb-kbd')])).toHaveLength(4);
  });

  it('explicit addr, then auto slots skip it', () => {
    expect(addresses([d('e1000', { addr: '1' }), d('e1000', { addr: '3' }), d('e1000'), d('e1000')]).slice(1, 5)).toEqual([
      '00:01.0 e1000', '00:02.0 e1000', '00:03.0 e1000', '00:04.0 e1000',
    ]);
  });

  it('bridges create named buses; buses are numbered depth-first', () => {
    const got = addresses([
      d('pcie-root-port', { id: 'a' }, { slot: '1' }), d('pcie-root-port', { id: 'b' }, { slot: '2' }),
      d('pcie-pci-bridge', { id: 'br', bus: 'a' }), d('e1000', { bus: 'br' }), d('nvme', { bus: 'b' }),
    ]);
    expect(got).toContain('01:00.0 pcie-pci-bridge');
    expect(got).toContain('02:00.0 e1000'); // QEMU 7.2 cold-plugs into slot 0 of an SHPC bus too
    expect(got).toContain('03:00.0 nvme');
  });

  it.each([
    [[d('e1000', { bus: 'nope' })], "-device e1000: Bus 'nope' not found"],
    [[d('frobnicator')], "-device frobnicator: 'frobnicator' is not a valid device model name"],
    [[d('e1000', { addr: '0x20' })], "-device e1000: Property 'e1000.addr' doesn't take value '0x20'"],
    [[d('e1000', { addr: '0' })], '-device e1000: PCI: slot 0 function 0 not available for e1000, in use by mch,id='],
    [[d('pcie-root-port', { id: 'rp' }), d('e1000', { bus: 'rp', addr: '1' })],
      '-device e1000: PCI: slot 1 function 0 not available for e1000, parent device only allows plugging into slot 0.'],
    [[d('pcie-root-port', { id: 'rp' }), d('e1000', { bus: 'rp' }), d('e1000', { bus: 'rp' })],
      '-device e1000: PCI: no slot/function available for e1000, all in use or reserved'],
    [[d('e1000', { addr: '5' }), d('e1000', { addr: '5.1' })], "-device e1000: PCI: single function device can't be populated in function 5.1"],
    [[d('e1000', { addr: '5.1' }), d('e1000', { addr: '5' })], '-device e1000: PCI: 5.0 indicates single function, but 5.1 is already populated.'],
    [[d('pcie-root-port', { id: 'a' }), d('pcie-root-port', { id: 'b' })], "-device pcie-root-port: Can't add chassis slot, error -16"],
  ])('refuses %j', (specs, message) => expect(error(specs)).toBe(message));

  it('vfio-pci needs a device model from the host profile, supplied through the factory', () => {
    expect(error([d('vfio-pci', {}, { host: '01:00.0' })])).toBe(
      '-device vfio-pci: vfio-pci: no host device model for host=01:00.0: passthrough needs the simulated host\'s device (a FunctionFactory)',
    );
    const gpu = catalogueEntry('host-nvidia-rtx3070');
    const t = buildTopology('q35', [d('vfio-pci', { addr: '6' }, { host: '01:00.0' })], ({ driver, placement }) =>
      driver === 'vfio-pci' && gpu ? buildFunction(gpu, placement) : undefined);
    if (!t.ok) throw new Error(t.error);
    expect(t.tree.allDevices().find((n) => n.driver === 'vfio-pci')?.fn.deviceId).toBe(0x2484);
  });

  it('a function > 0 may come before function 0 when function 0 is multifunction', () => {
    expect(error([d('ich9-intel-hda', { addr: '5.1' }), d('e1000', { addr: '5.0', multifunction: true })])).toBe('ok');
  });
});
