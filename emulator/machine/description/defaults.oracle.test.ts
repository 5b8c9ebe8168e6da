// Checks the default-device order against real QEMU: each command line is started paused
// (-S) with the monitor on stdio, `info pci` lists the root bus, and that list must equal what
// the description's creation order gives when each device takes the first free slot, as QEMU
// does. Needs qemu-system-x86_64 and qemu-system-aarch64 (Debian qemu-system-x86, qemu-system-arm).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from './qemu-args';
import { qemuBinary } from './qemu-emit';
import { Q35_DUAL_DISPLAY_ARGS } from './testing/reference';
import type { DeviceSpec } from './types';
import { parsePciAddr } from './validate';

/** PCI IDs QEMU 7.2 gives these drivers on the root bus (virtio devices there are transitional). */
const PCI_ID: Record<string, string> = {
  mch: '8086:29c0', 'ICH9-LPC': '8086:2918', 'ich9-ahci': '8086:2922', 'ICH9-SMB': '8086:2930', 'gpex-root': '1b36:0008',
  VGA: '1234:1111', 'virtio-vga': '1af4:1050', 'virtio-gpu-pci': '1af4:1050', e1000e: '8086:10d3', e1000: '8086:100e',
  'virtio-net-pci': '1af4:1000', 'virtio-blk-pci': '1af4:1001', 'pcie-root-port': '1b36:000c', nvme: '1b36:0010',
};

function expectedRootBus(devices: readonly DeviceSpec[]): string[] {
  const slotsUsed = new Set<number>();
  const functions: Array<[number, string]> = [];
  for (const device of devices) {
    if (device.bus !== undefined || device.driver === 'intel-iommu') continue;
    const addr = device.addr === undefined ? undefined : parsePciAddr(device.addr);
    const slot = addr?.slot ?? [...Array(32).keys()].find((s) => !slotsUsed.has(s)) ?? -1;
    slotsUsed.add(slot);
    functions.push([slot * 8 + (addr?.fn ?? 0), PCI_ID[device.driver] ?? `? ${device.driver}`]);
  }
  return functions.sort(([a], [b]) => a - b).map(([devfn, id]) => `${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7} ${id}`);
}

function qemuRootBus(binary: string, argv: readonly string[]): string[] {
  const run = spawnSync(binary, [...argv, '-S', '-display', 'none', '-monitor', 'stdio', '-serial', 'none'], {
    input: 'info pci\nquit\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error) throw new Error(`${binary}: ${run.error.message} (install Debian qemu-system-x86 / qemu-system-arm)`);
  const found: string[] = [];
  let location: string | undefined;
  for (const line of run.stdout.split('\n')) {
    const at = /Bus\s+(\d+), device\s+(\d+), function (\d+):/.exec(line);
    if (at !== null) location = at[1] === '0' ? `${Number(at[2]).toString(16).padStart(2, '0')}.${at[3]}` : undefined;
    const id = /PCI device ([0-9a-f]{4}:[0-9a-f]{4})/.exec(line);
    if (id !== null && location !== undefined) found.push(`${location} ${id[1]}`);
  }
  if (found.length === 0) throw new Error(`${binary} ${argv.join(' ')}: no PCI devices listed\n${run.stderr}`);
  return found;
}

const disk = join(mkdtempSync(join(tmpdir(), 'twinbox-desc-')), 'd.img');
writeFileSync(disk, Buffer.alloc(1 << 20));

const LINES = [
  '-M q35',
  '-M q35 -nographic',
  '-M q35 -vga none',
  '-M q35 -nodefaults',
  '-M q35 -nodefaults -vga std',
  '-M q35 -vga virtio',
  '-M q35 -nic none',
  '-M q35 -netdev user,id=n0',
  '-M q35,sata=off,smbus=off',
  '-M q35 -device virtio-gpu-pci',
  '-M q35 -device VGA',
  '-M q35 -device virtio-vga -device nvme,serial=x,addr=7',
  `-M q35 -drive file=${disk},format=raw,if=virtio -device e1000`,
  Q35_DUAL_DISPLAY_ARGS,
  '-M virt',
  '-M virt -nodefaults',
  `-M virt -drive file=${disk},format=raw -device e1000`,
  '-M virt -device pcie-root-port,id=rp1 -device virtio-net-pci,bus=rp1 -device e1000e',
];

describe('default devices match real QEMU 7.2', () => {
  it.each(LINES)('%s', (line) => {
    const parsed = parseQemuArgs(line.split(' '));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(qemuRootBus(qemuBinary(parsed.value), line.split(' '))).toEqual(expectedRootBus(parsed.value.devices));
  });
});
