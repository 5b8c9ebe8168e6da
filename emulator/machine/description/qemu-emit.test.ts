import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withDefaults } from './defaults';
import { parseQemuArgs } from './qemu-args';
import { qemuBinary, toQemuArgs, toQemuCommandLine } from './qemu-emit';
import { splitShellWords } from './shell-words';
import { Q35_DUAL_DISPLAY_ARGS } from './testing/reference';
import { MACHINE_ARCH, type DeviceSpec, type DriveSpec, type MachineDescription, type MachineType, type NetdevSpec } from './types';

function parse(argv: string[]): MachineDescription {
  const parsed = parseQemuArgs(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('toQemuArgs', () => {
  it('prints the reference command line back exactly', () => {
    const argv = Q35_DUAL_DISPLAY_ARGS.split(' ');
    expect(toQemuArgs(parse(argv))).toEqual(argv);
  });

  it('leaves out defaults and implicit devices, says what was switched off', () => {
    expect(toQemuArgs(parse(['-M', 'q35']))).toEqual(['-M', 'q35']);
    expect(toQemuArgs(parse(['-M', 'q35', '-vga', 'none', '-nic', 'none']))).toEqual(['-M', 'q35', '-vga', 'none', '-nic', 'none']);
    expect(toQemuArgs(parse(['-M', 'q35', '-nodefaults', '-vga', 'virtio']))).toEqual(['-M', 'q35', '-nodefaults', '-vga', 'virtio']);
    expect(toQemuArgs(parse(['-M', 'q35', '-vga', 'std', '-m', '1024', '-smp', 'cpus=2']))).toEqual(['-M', 'q35', '-m', '1G', '-smp', '2']);
  });

  it('prints drives, netdevs and boot options in a form QEMU reads', () => {
    const argv = ['-M', 'virt', '-cpu', 'cortex-a57', '-kernel', 'Image', '-append', 'console=ttyAMA0 root=/dev/vda', '-drive', 'file=root,,1.img,if=none,id=d0,readonly=on'];
    expect(toQemuArgs(parse([...argv, '-netdev', 'user,id=n0', '-device', 'virtio-blk-pci,drive=d0']))).toEqual([
      '-M', 'virt', '-cpu', 'cortex-a57', '-kernel', 'Image', '-append', 'console=ttyAMA0 root=/dev/vda',
      '-drive', 'file=root,,1.img,format=raw,if=none,id=d0,readonly=on', '-netdev', 'user,id=n0', '-device', 'virtio-blk-pci,drive=d0',
    ]);
  });

  it('quotes the whole command line for a shell', () => {
    const desc = parse(['-M', 'virt', '-append', "console=ttyAMA0 it's"]);
    const line = toQemuCommandLine(desc);
    expect(line).toBe(`qemu-system-aarch64 -M virt -append 'console=ttyAMA0 it'\\''s'`);
    expect(splitShellWords(line)).toEqual({ ok: true, value: ['qemu-system-aarch64', ...toQemuArgs(desc)] });
  });

  it('names the binary for the architecture', () => {
    expect(qemuBinary(parse(['-M', 'virt']))).toBe('qemu-system-aarch64');
    expect(qemuBinary(parse(['-M', 'q35']))).toBe('qemu-system-x86_64');
  });
});

// Generated user descriptions: valid by construction (ids unique, buses defined before use).
const propKey = fc.stringMatching(/^x-[a-z][a-z0-9-]{0,6}$/);
const propValue = fc.stringMatching(/^[a-zA-Z0-9,=:. -]{0,8}$/);
const props = fc.dictionary(propKey, propValue, { maxKeys: 2 });

function description(machine: MachineType): fc.Arbitrary<MachineDescription> {
  const endpoints = machine === 'q35' ? ['e1000', 'e1000e', 'nvme', 'virtio-rng-pci', 'VGA', 'virtio-vga', 'ich9-intel-hda'] : ['e1000', 'nvme', 'virtio-rng-pci', 'virtio-gpu-pci', 'VGA'];
  const device = fc.record({
    endpoint: fc.constantFrom(...endpoints),
    port: fc.boolean(),
    onPort: fc.boolean(),
    multifunction: fc.option(fc.boolean(), { nil: undefined }),
    props,
  });
  const drive = fc.record({
    file: fc.stringMatching(/^[a-z0-9,]{1,6}\.img$/),
    iface: fc.constantFrom<DriveSpec['if']>('none', 'virtio', 'pflash'),
    readonly: fc.boolean(),
    props,
  });
  return fc
    .record({
      cpu: fc.constantFrom(...(machine === 'q35' ? ['qemu64', 'max', 'Skylake-Client-v4'] : ['cortex-a15', 'cortex-a57', 'max'])),
      memoryMiB: fc.integer({ min: 1, max: 8192 }),
      smp: fc.integer({ min: 1, max: 8 }),
      devices: fc.array(device, { maxLength: 5 }),
      drives: fc.array(drive, { maxLength: 3 }),
      netdevs: fc.integer({ min: 0, max: 2 }),
      append: fc.stringMatching(/^[a-z =/,']{0,20}$/),
      kernel: fc.option(fc.constantFrom('Image', 'bzImage', 'dir with space/vmlinuz'), { nil: undefined }),
      flags: fc.record({ nographic: fc.boolean(), noReboot: fc.boolean(), noDefaults: fc.boolean() }),
      irqchip: fc.boolean(),
    })
    .map((g) => {
      const devices: DeviceSpec[] = [];
      g.devices.forEach((d, i) => {
        if (d.port) devices.push({ driver: 'pcie-root-port', id: `rp${i}`, props: { slot: String(i + 1) } });
        const spec: DeviceSpec = { driver: d.endpoint, id: `dev${i}`, props: d.props };
        if (d.onPort && d.port) spec.bus = `rp${i}`;
        if (d.multifunction !== undefined) spec.multifunction = d.multifunction;
        devices.push(spec);
      });
      const drives: DriveSpec[] = g.drives.map((d, i) => ({ file: d.file, format: 'raw', if: d.iface, id: `drive${i}`, readonly: d.readonly, props: d.props }));
      const netdevs: NetdevSpec[] = Array.from({ length: g.netdevs }, (_, i) => ({ type: 'user', id: `net${i}`, props: {} }));
      const desc: MachineDescription = {
        arch: MACHINE_ARCH[machine],
        machine,
        machineOptions: g.irqchip ? { 'kernel-irqchip': 'split' } : {},
        cpu: g.cpu,
        memoryBytes: g.memoryMiB * 2 ** 20,
        smp: g.smp,
        devices,
        drives,
        netdevs,
        ...(g.kernel === undefined ? {} : { kernel: g.kernel }),
        append: g.append,
        ...g.flags,
        extra: {},
        source: 'generated',
      };
      return withDefaults(desc);
    });
}

describe('parseQemuArgs(toQemuArgs(d)) equals d', () => {
  it.each<MachineType>(['virt', 'q35'])('for generated %s descriptions', (machine) => {
    fc.assert(
      fc.property(description(machine), (desc) => {
        const parsed = parseQemuArgs(toQemuArgs(desc), desc.source);
        if (!parsed.ok) throw new Error(`${parsed.error}\n${toQemuArgs(desc).join(' ')}`);
        expect(parsed.value).toEqual(desc);
      }),
      { numRuns: 300 },
    );
  });

  it('for descriptions whose defaults were switched off by -vga / -nic', () => {
    for (const line of ['-M q35 -vga none', '-M q35 -nic none -vga qxl', '-M q35 -nodefaults -vga std', '-M virt -nic none', '-M q35 -device VGA -vga std']) {
      const desc = parse(line.split(' '));
      expect(parse(toQemuArgs(desc))).toEqual(desc);
    }
  });
});
