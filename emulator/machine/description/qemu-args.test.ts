import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from './qemu-args';
import type { MachineDescription } from './types';

function parse(line: string): MachineDescription {
  const parsed = parseQemuArgs(line.split(' '));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function errorOf(argv: string[]): string {
  const parsed = parseQemuArgs(argv);
  return parsed.ok ? 'parsed without error' : parsed.error;
}

const userDevices = (desc: MachineDescription): MachineDescription['devices'] => desc.devices.filter((d) => d.implicit !== true);

describe('parseQemuArgs: options', () => {
  it('reads -M, -machine and type= with options, merging repeated -M', () => {
    expect(parse('-M virt').machine).toBe('virt');
    expect(parse('-machine q35').arch).toBe('x86_64');
    expect(parse('-M type=virt,gic-version=3').machineOptions).toEqual({ 'gic-version': '3' });
    const merged = parse('-M q35 -M kernel-irqchip=split');
    expect([merged.machine, merged.machineOptions]).toEqual(['q35', { 'kernel-irqchip': 'split' }]);
    expect(parse('--machine virt').machine).toBe('virt');
  });

  it("uses QEMU's defaults when -cpu, -m, -smp are absent", () => {
    const virt = parse('-M virt');
    expect([virt.arch, virt.cpu, virt.memoryBytes, virt.smp]).toEqual(['aarch64', 'cortex-a15', 128 * 2 ** 20, 1]);
    const q35 = parse('-M q35');
    expect([q35.cpu, q35.memoryBytes, q35.append, q35.nographic, q35.noReboot, q35.noDefaults]).toEqual(['qemu64', 128 * 2 ** 20, '', false, false, false]);
  });

  it('reads -cpu, -m (all spellings) and -smp (both spellings)', () => {
    expect(parse('-M virt -cpu cortex-a57').cpu).toBe('cortex-a57');
    expect(parse('-M q35 -cpu Skylake-Client-v4,+avx2').cpu).toBe('Skylake-Client-v4,+avx2');
    expect(parse('-M q35 -m 1G').memoryBytes).toBe(2 ** 30);
    expect(parse('-M q35 -m 512').memoryBytes).toBe(512 * 2 ** 20);
    expect(parse('-M q35 -m size=2G').memoryBytes).toBe(2 * 2 ** 30);
    expect(parse('-M q35 -m 1G -m 2G').memoryBytes).toBe(2 * 2 ** 30);
    expect(parse('-M q35 -smp 4').smp).toBe(4);
    expect(parse('-M q35 -smp cpus=3').smp).toBe(3);
    expect(parse('-M virt,gic-version=3 -smp 64').smp).toBe(64);
  });

  it('reads -device with id, bus, addr, multifunction, props and ,, escapes', () => {
    const desc = parse('-M q35 -device pcie-root-port,id=rp1,slot=1 -device virtio-gpu-pci,bus=rp1,addr=0.0,multifunction=on,edid=on,x-name=a,,b');
    expect(userDevices(desc)).toEqual([
      { driver: 'pcie-root-port', id: 'rp1', props: { slot: '1' } },
      { driver: 'virtio-gpu-pci', bus: 'rp1', addr: '0.0', multifunction: true, props: { edid: 'on', 'x-name': 'a,b' } },
    ]);
    expect(userDevices(parse('-M q35 -device e1000,multifunction=off'))[0]?.multifunction).toBe(false);
  });

  it("resolves QEMU's driver aliases", () => {
    const desc = parse('-M virt -drive file=d.img,if=none,id=d0 -device virtio-blk,drive=d0');
    expect(userDevices(desc)[0]?.driver).toBe('virtio-blk-pci');
  });

  it('reads -drive with the machine-dependent default interface', () => {
    const q35 = parse('-M q35 -drive file=disk.img,format=raw');
    expect(q35.drives).toEqual([{ file: 'disk.img', format: 'raw', if: 'ide', readonly: false, props: {} }]);
    const virt = parse('-M virt -drive file=a,,b.img,format=raw,id=d0,readonly=on,cache=none');
    expect(virt.drives).toEqual([{ file: 'a,b.img', format: 'raw', if: 'virtio', id: 'd0', readonly: true, props: { cache: 'none' } }]);
  });

  it('reads -netdev of any known type', () => {
    const desc = parse('-M virt -netdev user,id=n0,hostfwd=tcp::2222-:22 -netdev dgram,id=n1,local.type=inet -device virtio-net-pci,netdev=n0');
    expect(desc.netdevs).toEqual([
      { type: 'user', id: 'n0', props: { hostfwd: 'tcp::2222-:22' } },
      { type: 'dgram', id: 'n1', props: { 'local.type': 'inet' } },
    ]);
  });

  it('reads -kernel, -initrd, -append and the switches', () => {
    const argv = ['-M', 'virt', '-kernel', 'Image', '-initrd', 'initrd.gz', '-append', 'console=ttyAMA0 quiet', '-nographic', '-no-reboot', '-nodefaults'];
    const parsed = parseQemuArgs(argv);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { kernel, initrd, append, nographic, noReboot, noDefaults } = parsed.value;
    expect({ kernel, initrd, append, nographic, noReboot, noDefaults }).toEqual({
      kernel: 'Image', initrd: 'initrd.gz', append: 'console=ttyAMA0 quiet', nographic: true, noReboot: true, noDefaults: true,
    });
  });

  it('accepts -serial stdio|mon:stdio and -display none without changing the machine', () => {
    const plain = parse('-M virt');
    expect(parse('-M virt -serial mon:stdio -display none')).toEqual(plain);
    expect(parse('-M virt -serial stdio')).toEqual(plain);
  });

  it('keeps the source it is given', () => {
    const parsed = parseQemuArgs(['-M', 'virt'], 'scenarios/boot.yaml');
    expect(parsed.ok && parsed.value.source).toBe('scenarios/boot.yaml');
  });
});

describe('parseQemuArgs: errors name the option and the problem', () => {
  const cases: Array<[string, string[], string]> = [
    ['unknown option', ['-M', 'q35', '-frobnicate'], "unknown option '-frobnicate'"],
    ['unknown device', ['-M', 'q35', '-device', 'frobnicator'], "-device frobnicator: unknown device driver 'frobnicator'"],
    ['no machine', ['-m', '1G'], 'no machine type given: add -M virt (aarch64) or -M q35 (x86_64)'],
    ['unsupported machine', ['-M', 'pc'], "-M pc: unsupported machine type 'pc' (twinbox models 'virt' for aarch64 and 'q35' for x86_64)"],
    ['missing argument', ['-M', 'q35', '-m'], '-m: requires an argument'],
    ['stray word', ['-M', 'q35', 'disk.img'], "unexpected argument 'disk.img' (QEMU options start with '-'; a disk image goes in -drive file=...)"],
    ['bad memory', ['-M', 'q35', '-m', '1X'], "-m 1X: invalid size '1X': expected a size such as 512M, 1G or 1.5G (suffix K, M, G, T; no suffix means MiB)"],
    ['memory option', ['-M', 'q35', '-m', '1G,slots=2'], "-m 1G,slots=2: 'slots' is not supported (twinbox takes -m SIZE only)"],
    ['smp zero', ['-M', 'q35', '-smp', '0'], '-smp: CPU count must be at least 1, not 0'],
    ['smp word', ['-M', 'q35', '-smp', 'four'], "-smp four: invalid CPU count 'four'"],
    ['smp topology', ['-M', 'q35', '-smp', '2,sockets=1'], "-smp 2,sockets=1: 'sockets' is not supported (twinbox takes -smp N or -smp cpus=N)"],
    ['smp q35 max', ['-M', 'q35', '-smp', '256'], "-smp: 256 CPUs requested but machine 'q35' supports at most 255 without KVM (x2APIC)"],
    ['smp virt gicv2', ['-M', 'virt', '-smp', '9'], "-smp: 9 CPUs requested but machine 'virt' supports at most 8 with GICv2 (use -M virt,gic-version=3 for more)"],
    ['cpu of the other arch', ['-M', 'virt', '-cpu', 'qemu64'], "-cpu: CPU model 'qemu64' is not available on machine 'virt'"],
    ['cpu virt refuses', ['-M', 'virt', '-cpu', 'cortex-a9'], "-cpu: CPU model 'cortex-a9' is not available on machine 'virt'"],
    ['cpu host', ['-M', 'q35', '-cpu', 'host'], "-cpu: CPU model 'host' requires KVM or HVF; twinbox has neither (try 'max')"],
    ['duplicate device id', ['-M', 'q35', '-device', 'e1000,id=a', '-device', 'e1000,id=a'], "-device e1000,id=a: duplicate id 'a' for device"],
    ['bad id', ['-M', 'q35', '-device', 'e1000,id=1x'], "-device e1000,id=1x: invalid id '1x': ids consist of letters, digits, '-', '.', '_', starting with a letter"],
    ['unknown bus', ['-M', 'q35', '-device', 'e1000,bus=rp9'], "-device e1000: bus 'rp9' not found"],
    ['bus defined later', ['-M', 'q35', '-device', 'e1000,bus=rp1', '-device', 'pcie-root-port,id=rp1'], "-device e1000: bus 'rp1' not found"],
    ['bus is not a bus', ['-M', 'q35', '-device', 'e1000,id=e', '-device', 'e1000,bus=e'], "-device e1000: bus 'e' not found"],
    ['wrong arch device', ['-M', 'virt', '-device', 'intel-iommu'], "-device intel-iommu: device driver 'intel-iommu' is not available on machine 'virt'"],
    ['mmio device on q35', ['-M', 'q35', '-device', 'virtio-blk-device'], "-device virtio-blk-device: device driver 'virtio-blk-device' is not available on machine 'q35'"],
    ['machine part', ['-M', 'q35', '-device', 'ICH9-LPC'], "-device ICH9-LPC: 'ICH9-LPC' is part of the machine and cannot be added with -device"],
    ['iommu on a bus', ['-M', 'q35', '-device', 'intel-iommu,bus=pcie.0'], "-device intel-iommu: device 'intel-iommu' can't go on bus 'pcie.0'"],
    ['bad addr', ['-M', 'q35', '-device', 'e1000,addr=20'], "-device e1000: invalid PCI address '20': expected SLOT[.FN] in hex, slot 0-1f, function 0-7"],
    ['addr taken by ICH9', ['-M', 'q35', '-device', 'e1000,addr=1f.0'], "-device e1000: PCI slot 1f function 0 on bus 'pcie.0' is already in use by ICH9-LPC"],
    ['addr taken twice', ['-M', 'q35', '-device', 'e1000,addr=5', '-device', 'e1000e,addr=05.0'], "-device e1000e: PCI slot 05 function 0 on bus 'pcie.0' is already in use by e1000"],
    ['multifunction value', ['-M', 'q35', '-device', 'e1000,multifunction=maybe'], "-device e1000,multifunction=maybe: parameter 'multifunction' expects 'on' or 'off'"],
    ['json device', ['-M', 'q35', '-device', '{"driver":"e1000"}'], '-device {"driver":"e1000"}: the JSON form of -device is not supported; use driver,key=value,...'],
    ['dangling netdev', ['-M', 'q35', '-device', 'e1000,netdev=nn'], "-device e1000: netdev 'nn' not found"],
    ['netdev twice', ['-M', 'q35', '-netdev', 'user,id=n', '-device', 'e1000,netdev=n', '-device', 'e1000e,netdev=n'], "-device e1000e: netdev 'n' is already in use by another device"],
    ['dangling drive', ['-M', 'q35', '-device', 'virtio-blk-pci,drive=dd'], "-device virtio-blk-pci: drive 'dd' not found"],
    ['drive already attached', ['-M', 'q35', '-drive', 'file=a,if=virtio,id=d', '-device', 'virtio-blk-pci,drive=d'], "-device virtio-blk-pci: drive 'd' is already connected by its if=virtio; use if=none"],
    ['netdev without id', ['-M', 'q35', '-netdev', 'user'], "-netdev user: parameter 'id' is missing"],
    ['netdev type', ['-M', 'q35', '-netdev', 'frob,id=x'], "-netdev frob,id=x: unknown netdev type 'frob'"],
    ['duplicate netdev', ['-M', 'q35', '-netdev', 'user,id=x', '-netdev', 'user,id=x'], "-netdev user,id=x: duplicate id 'x' for netdev"],
    ['drive if on virt', ['-M', 'virt', '-drive', 'file=d.img,if=ide'], "-drive file=d.img: machine type 'virt' does not support if=ide"],
    ['drive if scsi', ['-M', 'q35', '-drive', 'file=d.img,if=scsi'], "-drive file=d.img: machine type 'q35' does not support if=scsi"],
    ['drive format', ['-M', 'q35', '-drive', 'file=d.qcow2,format=qcow2'], "-drive file=d.qcow2,format=qcow2: format 'qcow2' is not supported (twinbox reads raw images only)"],
    ['drive without file', ['-M', 'q35', '-drive', 'if=none,id=d'], "-drive if=none,id=d: parameter 'file' is missing"],
    ['vga type', ['-M', 'q35', '-vga', 'frob'], "-vga frob: unknown vga type 'frob' (twinbox knows none, std, virtio, qxl)"],
    ['serial file', ['-M', 'q35', '-serial', 'file:x'], "-serial file:x: 'file:x' is not supported (twinbox accepts -serial stdio or mon:stdio)"],
    ['nic model', ['-M', 'q35', '-nic', 'user,model=e1000'], '-nic user,model=e1000: only \'-nic none\' is supported; use -netdev TYPE,id=ID with -device MODEL,netdev=ID'],
    ['legacy -net', ['-M', 'q35', '-net', 'nic'], "option '-net' is not supported: use -netdev TYPE,id=ID with -device MODEL,netdev=ID"],
    ['prototype names', ['-M', 'q35', '-constructor'], "unknown option '-constructor'"],
    ['prototype option', ['-M', 'q35', '-__proto__'], "unknown option '-__proto__'"],
    ['prototype key', ['-M', 'q35', '-device', 'e1000,__proto__=x'], "-device e1000,__proto__=x: invalid parameter name '__proto__'"],
    ['sata value', ['-M', 'q35,sata=maybe'], "-M: machine option 'sata' expects 'on' or 'off', not 'maybe'"],
  ];
  it.each(cases)('%s', (_name, argv, message) => {
    expect(errorOf(argv)).toBe(message);
  });

  it('never throws on arbitrary argv', async () => {
    const fc = (await import('fast-check')).default;
    const word = fc.oneof(fc.constantFrom('-M', 'q35', 'virt', '-device', '-drive', '-m', '-smp', '-netdev', ',', ',,', '=', 'id=a', '-toString', '__proto__=1', 'bus=pcie.0'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (argv) => {
        const parsed = parseQemuArgs(argv);
        expect(typeof parsed.ok).toBe('boolean');
      }),
    );
  });
});
