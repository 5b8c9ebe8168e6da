import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadProfile, parseProfile } from './profile';
import { parseQemuArgs } from './qemu-args';
import { toQemuArgs } from './qemu-emit';
import { Q35_DUAL_DISPLAY_ARGS } from './testing/reference';

const PROFILES = new URL('../../../profiles/', import.meta.url);

function errorOf(text: string, path = 'profiles/x.yaml'): string {
  const parsed = parseProfile(text, path);
  return parsed.ok ? 'parsed without error' : parsed.error;
}

describe('shipped profiles', () => {
  it('q35-dual-display.yaml prints the reference command line and equals it parsed', () => {
    const profile = loadProfile(new URL('q35-dual-display.yaml', PROFILES).pathname);
    const reference = parseQemuArgs(Q35_DUAL_DISPLAY_ARGS.split(' '));
    if (!profile.ok || !reference.ok) throw new Error('profile or reference failed to parse');
    expect(toQemuArgs(profile.value).join(' ')).toBe(Q35_DUAL_DISPLAY_ARGS);
    expect({ ...profile.value, source: '' }).toEqual({ ...reference.value, source: '' });
  });

  it.each([
    ['virt-minimal.yaml', '-M virt -cpu cortex-a57 -m 1G -nographic -no-reboot'],
    ['q35-minimal.yaml', '-M q35 -cpu max -m 1G -nographic -no-reboot'],
  ])('%s prints as %s', (file, args) => {
    const profile = loadProfile(new URL(file, PROFILES).pathname);
    expect(profile.ok && toQemuArgs(profile.value).join(' ')).toBe(args);
  });
});

describe('profile fields', () => {
  it('reads every machine field, converting YAML scalars to QEMU strings', () => {
    const text = [
      'machine: virt,gic-version=3',
      'cpu: max',
      'memory: 512',
      'smp: 4',
      'kernel: Image',
      'initrd: initrd.gz',
      'append: console=ttyAMA0',
      'nographic: true',
      'noReboot: true',
      'drives:',
      '  - { file: root.img, if: none, id: d0, readonly: true, props: { cache: none } }',
      'netdevs:',
      '  - { type: user, id: n0, props: { hostfwd: "tcp::2222-:22" } }',
      'devices:',
      '  - { driver: virtio-blk-pci, props: { drive: d0, num-queues: 2, disable-legacy: true } }',
      '  - { driver: virtio-net-pci, id: nic0, addr: "5", props: { netdev: n0 } }',
    ].join('\n');
    const parsed = parseProfile(text, 'p.yaml');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(toQemuArgs(parsed.value)).toEqual([
      '-M', 'virt,gic-version=3', '-cpu', 'max', '-m', '512M', '-smp', '4', '-nographic', '-no-reboot',
      '-kernel', 'Image', '-initrd', 'initrd.gz', '-append', 'console=ttyAMA0',
      '-drive', 'file=root.img,format=raw,if=none,id=d0,readonly=on,cache=none', '-netdev', 'user,id=n0,hostfwd=tcp::2222-:22',
      '-device', 'virtio-blk-pci,drive=d0,num-queues=2,disable-legacy=on', '-device', 'virtio-net-pci,id=nic0,addr=5,netdev=n0',
    ]);
    expect(parsed.value.source).toBe('p.yaml');
  });

  it('keeps hosts, dns and pci-host-devices as extra data', () => {
    const text = 'machine: q35\nhosts:\n  - { name: web, ip: 10.0.2.10 }\ndns: { example.com: 10.0.2.10 }\npci-host-devices: [{ host: "0000:06:00.0" }]\n';
    const parsed = parseProfile(text, 'p.yaml');
    expect(parsed.ok && parsed.value.extra).toEqual({
      hosts: [{ name: 'web', ip: '10.0.2.10' }],
      dns: { 'example.com': '10.0.2.10' },
      'pci-host-devices': [{ host: '0000:06:00.0' }],
    });
  });

  it('reads a qemu: string with shell quoting, plus extra data', () => {
    const text = `qemu: -M virt -cpu cortex-a57 -append 'console=ttyAMA0 quiet'\ndns: { a.test: 10.0.0.1 }\n`;
    const parsed = parseProfile(text, 'p.yaml');
    if (!parsed.ok) throw new Error(parsed.error);
    expect([parsed.value.cpu, parsed.value.append, parsed.value.extra]).toEqual(['cortex-a57', 'console=ttyAMA0 quiet', { dns: { 'a.test': '10.0.0.1' } }]);
  });

  it('follows vga and nic like -vga and -nic', () => {
    const parsed = parseProfile('machine: q35\nvga: none\nnic: none\n', 'p.yaml');
    expect(parsed.ok && parsed.value.devices.map((d) => d.driver)).toEqual(['mch', 'ICH9-LPC', 'ich9-ahci', 'ICH9-SMB']);
  });

  it('reads JSON profiles, with line numbers in errors', () => {
    const good = parseProfile('{ "machine": "q35", "memory": "1G" }', 'p.json');
    expect(good.ok && good.value.memoryBytes).toBe(2 ** 30);
    const bad = '{\n  "machine": "q35",\n  "devices": [\n    { "driver": "frob" }\n  ]\n}\n';
    expect(errorOf(bad, 'p.json')).toBe("p.json:4: devices[0].driver: unknown device driver 'frob'");
  });
});

describe('profile errors name the file, the line and the problem', () => {
  const devices = ['machine: q35', 'devices:', '  - driver: pcie-root-port', '    id: rp1', '  - driver: e1000', '  - driver: foo', '    id: x'].join('\n');

  it.each<[string, string, string]>([
    ['unknown driver', devices, "profiles/x.yaml:6: devices[2].driver: unknown device driver 'foo'"],
    ['unknown bus', 'machine: q35\ndevices:\n  - driver: e1000\n    bus: rp7\n', "profiles/x.yaml:4: devices[0].bus: bus 'rp7' not found"],
    ['duplicate id', 'machine: q35\ndevices:\n  - { driver: e1000, id: a }\n  - { driver: e1000e, id: a }\n', "profiles/x.yaml:4: devices[1].id: duplicate id 'a' for device"],
    ['dangling netdev', 'machine: q35\ndevices:\n  - driver: e1000\n    props:\n      netdev: n9\n', "profiles/x.yaml:5: devices[0].props.netdev: netdev 'n9' not found"],
    ['unknown field', 'machine: q35\nmemroy: 1G\n', 'profiles/x.yaml:2: memroy: unknown field'],
    ['unknown device field', 'machine: q35\ndevices:\n  - driver: e1000\n    slot: 3\n', 'profiles/x.yaml:4: devices[0].slot: unknown field'],
    ['missing driver', 'machine: q35\ndevices:\n  - id: a\n', "profiles/x.yaml:3: devices[0]: missing field 'driver'"],
    ['wrong type', 'machine: q35\nsmp: four\n', 'profiles/x.yaml:2: smp: must be integer'],
    ['unquoted addr', 'machine: q35\ndevices:\n  - driver: e1000\n    addr: 0x1f\n', 'profiles/x.yaml:4: devices[0].addr: must be string (quote PCI addresses: "2", "1f.2")'],
    ['bad memory', 'machine: q35\nmemory: lots\n', "profiles/x.yaml:2: memory: invalid size 'lots': expected a size such as 512M, 1G or 1.5G (suffix K, M, G, T; no suffix means MiB)"],
    ['bad machine', 'machine: pc\n', "profiles/x.yaml:1: machine: unsupported machine type 'pc' (twinbox models 'virt' for aarch64 and 'q35' for x86_64)"],
    ['smp range', 'machine: virt\nsmp: 16\n', "profiles/x.yaml:2: smp: 16 CPUs requested but machine 'virt' supports at most 8 with GICv2 (use -M virt,gic-version=3 for more)"],
    ['arch mismatch', 'machine: virt\ndevices:\n  - driver: intel-iommu\n', "profiles/x.yaml:3: devices[0].driver: device driver 'intel-iommu' is not available on machine 'virt'"],
    ['prop name', 'machine: q35\ndevices:\n  - driver: e1000\n    props:\n      __proto__: x\n', 'profiles/x.yaml:5: devices[0].props.__proto__: invalid property name (letters, digits, _ . - only)'],
    ['vga value', 'machine: q35\nvga: cirrus\n', 'profiles/x.yaml:2: vga: must be one of: none, std, virtio, qxl'],
    ['no machine', 'cpu: max\n', "profiles/x.yaml:1: missing field 'machine' (or give 'qemu' with QEMU arguments)"],
    ['qemu plus fields', 'qemu: -M q35\nmemory: 1G\n', "profiles/x.yaml:2: memory: cannot be combined with 'qemu' (write it in the qemu arguments instead)"],
    ['qemu error', 'description: d\nqemu: -M q35 -frobnicate\n', "profiles/x.yaml:2: qemu: unknown option '-frobnicate'"],
    ['qemu quoting', "qemu: -M q35 -append 'x\n", 'profiles/x.yaml:1: qemu: unterminated single quote'],
    ['YAML syntax', 'machine: q35\ndevices: [\n', 'profiles/x.yaml:3: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['duplicate key', 'machine: q35\nmachine: virt\n', 'profiles/x.yaml:2: Map keys must be unique'],
    ['not a map', '- machine\n', 'profiles/x.yaml:1: (top level): must be object'],
  ])('%s', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('refuses an alias bomb without throwing', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    expect(errorOf(bomb)).toMatch(/^profiles\/x\.yaml:1: /);
  });

  it('never throws on arbitrary text', () => {
    const piece = fc.constantFrom('machine: q35\n', 'devices:\n', '  - driver: e1000\n', '    bus: x\n', 'qemu: -M virt\n', '{', '[', ': ', '&a ', '*a', '"', '\n');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 10 }), (pieces) => {
        expect(typeof parseProfile(pieces.join(''), 'f.yaml').ok).toBe('boolean');
      }),
    );
  });

  it('reports a file it cannot read', () => {
    const loaded = loadProfile('/nonexistent/p.yaml');
    expect(loaded.ok ? '' : loaded.error).toMatch(/^\/nonexistent\/p\.yaml: cannot read: ENOENT/);
  });
});
