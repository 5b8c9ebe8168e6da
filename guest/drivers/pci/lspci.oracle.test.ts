// The native lspci against pciutils' own lspci (Debian package pciutils) on the same
// configuration spaces: the guest's devices are dumped in `lspci -xxxx` form and read back
// with `lspci -F`, which has no kernel, so the guest's "Kernel driver in use" and "Kernel
// modules" lines, and with -v the BAR sizes and IOMMU group (from sysfs), are the only
// differences allowed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../emulator/machine/description/profile';
import type { Machine } from '../../../emulator/machine/machine';
import { bootMachine } from '../../testing/machine';
import { bootWith, userlandPrograms } from './test-boot';

const DUAL_DISPLAY = '-M q35,kernel-irqchip=split -device intel-iommu,intremap=on -device VGA -device pcie-root-port,id=rp1,slot=1 ' +
  '-device virtio-gpu-pci,bus=rp1,addr=0.0,multifunction=on -device ich9-intel-hda,bus=rp1,addr=0.1 -device pcie-root-port,id=rp2,slot=2 ' +
  '-device pcie-pci-bridge,id=br1,bus=rp2 -device e1000,bus=br1,addr=1 -device e1000,bus=br1,addr=2';
const MODES = [[], ['-n'], ['-nn'], ['-nnk'], ['-k'], ['-nn', '-s', '01:00.1'], ['-v'], ['-nnv']];

function dump(m: Machine): string {
  let out = '';
  for (const dev of m.pci.linuxDevices(false)) {
    out += `${dev.bdf.slice(5)} dump\n`;
    for (let off = 0; off < 4096; off += 16) {
      const row: string[] = [];
      for (let i = 0; i < 16; i++) row.push(m.pci.access.read(dev.bus, dev.devfn, off + i, 1).toString(16).padStart(2, '0'));
      out += `${off.toString(16).padStart(3, '0')}: ${row.join(' ')}\n`;
    }
    out += '\n';
  }
  return out;
}

function guestRuns(boot: (input: string[]) => { machine: Machine; output: string }) {
  const input = MODES.flatMap((m, i) => [`echo ===${i}`, `lspci ${m.join(' ')}`]).concat(['echo ===end', 'poweroff']);
  const r = boot(input);
  const out = r.output.replace(/\r\n/g, '\n');
  const section = (i: number, next: string) => {
    const start = out.indexOf(`\n===${i}\n`);
    return out.slice(start, out.indexOf(`/ # echo ===${next}`, start)).split('\n').slice(3).join('\n');
  };
  return { machine: r.machine, sections: MODES.map((_, i) => section(i, i + 1 < MODES.length ? String(i + 1) : 'end')) };
}

function compare(boot: (input: string[]) => { machine: Machine; output: string }): void {
  const { machine, sections } = guestRuns(boot);
  const file = join(mkdtempSync(join(tmpdir(), 'twinbox-lspci-')), 'dump.txt');
  writeFileSync(file, dump(machine));
  MODES.forEach((mode, i) => {
    const real = execFileSync('lspci', ['-F', file, ...mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Without a kernel, pciutils knows neither BAR sizes (sysfs resource) nor IOMMU groups.
    const ours = sections[i].replace(/^\tKernel (driver in use|modules): .*\n/gm, '')
      .replace(/^(\t(?:Memory at|I\/O ports at) .*?) \[size=[0-9]+[KMGT]?\]$/gm, '$1').replace(/, IOMMU group [0-9]+$/gm, '');
    expect(ours, `lspci ${mode.join(' ')}`).toBe(real);
  });
}

describe('lspci against pciutils', () => {
  it('q35-dual-display', () => compare((input) => bootWith(DUAL_DISPLAY, 'intel_iommu=on', input)));

  it('the NeuronOS dual-GPU host profile', () => {
    const desc = loadProfile(fileURLToPath(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url)));
    if (!desc.ok) throw new Error(JSON.stringify(desc));
    compare((input) => bootMachine({ type: 'q35', programs: userlandPrograms(), description: desc.value, input: input.map((l) => `${l}\n`) }));
  });
});
