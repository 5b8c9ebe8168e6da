// twinbox and real QEMU 7.2 must agree on which command lines start and which are refused. Each
// line is started paused (-S) and told to quit at once; exit status 0 means QEMU accepted it.
// Lines twinbox refuses on purpose while QEMU starts (machine types and options outside the
// subset, -smp 0 which QEMU only warns about) are not listed: docs/machine-descriptions.md names them.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from './qemu-args';

const disk = join(mkdtempSync(join(tmpdir(), 'twinbox-accept-')), 'd.img');
writeFileSync(disk, Buffer.alloc(1 << 20));

function qemuAccepts(binary: string, argv: readonly string[]): boolean {
  const run = spawnSync(binary, [...argv, '-S', '-display', 'none', '-monitor', 'stdio', '-serial', 'none'], {
    input: 'quit\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error) throw new Error(`${binary}: ${run.error.message} (install Debian qemu-system-x86 / qemu-system-arm)`);
  return run.status === 0;
}

const X86 = 'qemu-system-x86_64';
const ARM = 'qemu-system-aarch64';

const CASES: Array<[string, string]> = [
  [X86, '-M q35 -device frobnicator'],
  [X86, '-M q35 -device e1000,bus=rp9'],
  [X86, '-M q35 -device e1000,bus=rp1 -device pcie-root-port,id=rp1'],
  [X86, '-M q35 -device e1000,id=e -device e1000,bus=e'],
  [X86, '-M q35 -device e1000,id=a -device e1000,id=a'],
  [X86, '-M q35 -device e1000,id=1x'],
  [X86, '-M q35 -device e1000,addr=20'],
  [X86, '-M q35 -device e1000,addr=1f.0'],
  [X86, '-M q35 -device e1000,addr=5 -device e1000e,addr=5'],
  [X86, '-M q35,sata=off -device ich9-ahci,addr=1f.2'],
  [X86, '-M q35 -device virtio-blk-device'],
  [X86, '-M q35 -device intel-iommu,bus=pcie.0'],
  [X86, '-M q35 -device e1000,multifunction=maybe'],
  [X86, '-M q35 -device e1000,netdev=nn'],
  [X86, '-M q35 -netdev user,id=n -device e1000,netdev=n -device e1000e,netdev=n'],
  [X86, '-M q35 -device virtio-blk-pci,drive=dd'],
  [X86, `-M q35 -drive file=${disk},format=raw,if=virtio,id=d -device virtio-blk-pci,drive=d`],
  [X86, '-M q35 -netdev user'],
  [X86, '-M q35 -netdev frob,id=x'],
  [X86, '-M q35 -netdev user,id=x -netdev user,id=x'],
  [X86, `-M q35 -drive file=${disk},format=raw,if=scsi`],
  [X86, '-M q35 -smp 256'],
  [X86, '-M q35 -smp 255'],
  [X86, '-M q35 -cpu host'],
  [X86, '-M q35 -cpu Skylake-Client-v9'],
  [X86, '-M q35 -cpu Skylake-Client-v4'],
  [X86, '-M q35 -m 1X'],
  [X86, '-M q35 -m 1.5G -smp cpus=2 -vga none -nic none -nographic -no-reboot'],
  [X86, '-M q35 -vga frob'],
  [X86, '-M q35,kernel-irqchip=split -device intel-iommu,intremap=on -device VGA -device pcie-root-port,id=rp1,slot=1 -device virtio-gpu-pci,bus=rp1,addr=0.0,multifunction=on -device ich9-intel-hda,bus=rp1,addr=0.1'],
  [X86, '-M q35 -device pcie-root-port,id=rp1,slot=1 -device x3130-upstream,id=up,bus=rp1 -device xio3130-downstream,id=dn,bus=up,chassis=9 -device nvme,serial=a,bus=dn'],
  [X86, '-M q35 -device pci-bridge,id=b,chassis_nr=1 -device e1000,bus=b,addr=3'],
  [X86, `-M q35 -drive file=${disk},format=raw,if=none,id=d0 -device virtio-blk,drive=d0`],
  [ARM, '-M virt -device intel-iommu'],
  [ARM, '-M virt -device virtio-vga'],
  [ARM, '-M virt -smp 9'],
  [ARM, '-M virt,gic-version=3 -smp 9'],
  [ARM, '-M virt -cpu cortex-a9'],
  [ARM, '-M virt -cpu qemu64'],
  [ARM, '-M virt -cpu cortex-a57 -m 1G'],
  [ARM, `-M virt -drive file=${disk},format=raw,if=ide`],
  [ARM, `-M virt -drive file=${disk},format=raw,if=none,id=d -device virtio-blk-device,drive=d`],
  [ARM, '-M virt -device virtio-rng-device,bus=virtio-mmio-bus.31'],
  [ARM, '-M virt -device virtio-rng-device,bus=virtio-mmio-bus.32'],
  [ARM, '-M virt -vga std'],
  [ARM, '-M virt -nodefaults -netdev user,id=n0 -device virtio-net-pci,netdev=n0'],
];

describe('twinbox refuses what QEMU 7.2 refuses, and starts what it starts', () => {
  it.each(CASES)('%s %s', (binary, line) => {
    const argv = line.split(' ');
    const ours = parseQemuArgs(argv);
    expect({ accepted: ours.ok, why: ours.ok ? '' : ours.error }).toMatchObject({ accepted: qemuAccepts(binary, argv) });
  });
});
