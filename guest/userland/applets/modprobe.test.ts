import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../emulator/machine/description/profile';
import { userlandPrograms } from '../../drivers/pci/test-boot';
import { bootMachine } from '../../testing/machine';

// modprobe, lsmod, rmmod, lspci -k's "Kernel modules" and twinbox-vm on the NeuronOS dual-GPU host.

function run(lines: string[]): string {
  const p = loadProfile(fileURLToPath(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url)));
  if (!p.ok) throw new Error(JSON.stringify(p));
  const r = bootMachine({ type: 'q35', programs: userlandPrograms(), description: p.value, input: [...lines, 'poweroff'].map((l) => `${l}\n`) });
  return r.output.replace(/\r\n/g, '\n');
}

const xml = (bdfs: string[]) => `<domain type='kvm'><name>win11</name><devices>${bdfs.map((b) => {
  const [, bus, slot, fn] = /^0000:(..):(..)\.(.)$/.exec(b)!;
  return `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/></source></hostdev>`;
}).join('')}</devices></domain>`;

describe('module tools in the guest', () => {
  it('lsmod, modprobe -n -v, errors, rmmod refusals, modprobe -r, modalias and lspci -k', () => {
    const out = run([
      'lsmod | head -n 1', 'lsmod | grep "^snd_hda_intel"', 'cat /sys/bus/pci/devices/0000:01:00.0/modalias',
      'modprobe -n -v vfio-pci ids=10de:2484', 'modprobe nvidia; echo rc=$?', 'rmmod drm; echo rc=$?',
      'lspci -k -s 01:00.0', 'modprobe -r nouveau; echo rc=$?', 'ls /sys/bus/pci/devices/0000:01:00.0/driver || echo UNBOUND',
      'lsmod | grep -c "^nouveau"', 'ls /lib/modules/6.12.0-twinbox',
    ]);
    expect(out).toContain('\nModule                  Size  Used by    Not tainted\n');
    expect(out).toMatch(/\nsnd_hda_intel +4096 +0 \n/);
    expect(out).toContain('\npci:v000010DEd00002484sv000010DEsd0000146Bbc03sc00i00\n');
    expect(out).toContain('\ninsmod /lib/modules/6.12.0-twinbox/kernel/drivers/vfio/vfio.ko \n');
    expect(out).toContain('\ninsmod /lib/modules/6.12.0-twinbox/kernel/drivers/vfio/pci/vfio-pci.ko ids=10de:2484\n');
    expect(out).toContain('modprobe: FATAL: Module nvidia not found in directory /lib/modules/6.12.0-twinbox\nrc=1\n');
    expect(out).toContain("rmmod: can't unload module 'drm': Resource temporarily unavailable\nrc=1\n");
    expect(out).toContain('\tKernel driver in use: nouveau\n\tKernel modules: nouveau\n');
    expect(out).toContain('modprobe -r nouveau; echo rc=$?\nrc=0\n');
    expect(out).toContain('UNBOUND');
    expect(out).toMatch(/grep -c "\^nouveau"\n0\n/);
    expect(out).toMatch(/^kernel +modules\.builtin +modules\.order\nmodules\.alias +modules\.dep +modules\.softdep$/m);
  });

  it('lspci -v: prog-if, Flags with the IOMMU group, BARs with sysfs sizes, capabilities, kernel lines', () => {
    const out = run(['lspci -v -s 01:00.0']);
    expect(out).toContain([
      '01:00.0 VGA compatible controller: NVIDIA Corporation GA104 [GeForce RTX 3070] (rev a1) (prog-if 00 [VGA controller])',
      '\tSubsystem: NVIDIA Corporation GA104 [GeForce RTX 3070]',
      '\tFlags: fast devsel, IOMMU group 1',
    ].join('\n'));
    expect(out).toMatch(/\n\tMemory at [0-9a-f]{8} \(32-bit, non-prefetchable\) \[size=16M\]\n/);
    expect(out).toMatch(/\n\tI\/O ports at [0-9a-f]{4} \[size=128\]\n/);
    expect(out).toContain('\tCapabilities: [78] Express Endpoint, MSI 00\n\tCapabilities: [68] MSI: Enable- Count=1/1 Maskable- 64bit+\n');
    expect(out).toContain('\tKernel driver in use: nouveau\n\tKernel modules: nouveau\n\n/ # ');
  });

  it('twinbox-vm: a group half on a host driver is not viable; the whole group on vfio-pci starts', () => {
    const out = run([
      `echo "${xml(['0000:01:00.0'])}" > /tmp/gpu.xml`, `echo "${xml(['0000:01:00.0', '0000:01:00.1'])}" > /tmp/both.xml`,
      'twinbox-vm start /tmp/gpu.xml; echo rc=$?', 'lspci -k -s 01:00.1 | grep driver',
      'twinbox-vm start /tmp/both.xml; echo rc=$?', 'lspci -k -s 01:00.1 | grep driver', 'twinbox-vm start /tmp/none.xml',
    ]);
    expect(out).toContain("error: Failed to start domain 'win11'\nerror: internal error: qemu unexpectedly closed the monitor: " +
      'qemu-system-x86_64: -device {"driver":"vfio-pci","host":"0000:01:00.0","id":"hostdev0"}: vfio 0000:01:00.0: group 1 is not viable\n' +
      'Please ensure all devices within the iommu_group are bound to their vfio bus driver.\nrc=1\n');
    expect(out).toContain('\tKernel driver in use: snd_hda_intel\n');
    expect(out).toContain("Domain 'win11' started\nrc=0\n");
    expect(out).toContain('\tKernel driver in use: vfio-pci\n');
    expect(out).toContain("error: Failed to open file '/tmp/none.xml': No such file or directory");
  });
});
