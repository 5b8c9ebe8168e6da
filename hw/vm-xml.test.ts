import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runHw } from './commands';
import { formatCpuList, planPinning, readCores } from './cpu-topology';
import { checkName, escapeXml, lookingGlassSizeMiB, parseResolution, vmXml } from './vm-xml';
import { VM_BASE as BASE, INTEL_CPUINFO, NEURON_HOST, SMT_8C16T, sysfsOf } from './testing/fixtures';


const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

describe('hw vm-xml', () => {
  it('sizes the Looking Glass shmem by W*H*4*2 + 10 MiB rounded up to a power of two', () => {
    expect(lookingGlassSizeMiB(1920, 1080)).toBe(32);
    expect(lookingGlassSizeMiB(2560, 1440)).toBe(64);
    expect(lookingGlassSizeMiB(3840, 2160)).toBe(128);
    expect(lookingGlassSizeMiB(1280, 720)).toBe(32);
    expect(lookingGlassSizeMiB(800, 600)).toBe(16);
    expect(parseResolution('2560x1440')).toEqual([2560, 1440]);
    expect(parseResolution('1920*1080')).toBeUndefined();
    expect(parseResolution('0x0')).toBeUndefined();
  });

  it('pins vCPUs to whole cores with their sibling threads, keeping the first core for the host', () => {
    const cores = readCores(sysfsOf([], { cpus: SMT_8C16T }));
    expect(cores).toHaveLength(8);
    expect(cores[1]).toEqual({ packageId: 0, coreId: 1, cpus: [1, 9] });
    expect(planPinning(cores, 8)).toEqual({ vcpuPins: [1, 9, 2, 10, 3, 11, 4, 12], emulatorCpus: [0, 8], cores: 4, threads: 2 });
    expect(planPinning(cores, 3)).toEqual({ vcpuPins: [1, 2, 3], emulatorCpus: [0, 8], cores: 3, threads: 1 });
    expect(planPinning(cores, 15)).toBeUndefined();
    expect(formatCpuList([0, 8, 1, 2, 3])).toBe('0-3,8');
    const xml = vmXml({ ...BASE, cores });
    expect(xml).toContain("<vcpupin vcpu='1' cpuset='9'/>");
    expect(xml).toContain("<emulatorpin cpuset='0,8'/>");
    expect(xml).toContain("<topology sockets='1' dies='1' cores='4' threads='2'/>");
  });

  it('has the seed\'s pieces: q35, OVMF, managed hostdevs, vendor_id, hidden KVM, shmem, hugepages, TPM 2.0', () => {
    const xml = vmXml(BASE);
    for (const piece of [
      "machine='q35'>hvm</type>", "<loader readonly='yes' type='pflash'>/usr/share/edk2/x64/OVMF_CODE.4m.fd</loader>",
      "<nvram template='/usr/share/edk2/x64/OVMF_VARS.4m.fd'>/var/lib/libvirt/qemu/nvram/win11_VARS.fd</nvram>",
      "<hostdev mode='subsystem' type='pci' managed='yes'>", "<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>",
      "<vendor_id state='on' value='randomid'/>", "<hidden state='on'/>", "<model type='ivshmem-plain'/>", "<size unit='M'>32</size>",
      '<hugepages/>', "<tpm model='tpm-crb'>", "<backend type='emulator' version='2.0'/>",
    ]) expect(xml).toContain(piece);
    expect(xml).not.toContain('<iommu');
    expect(vmXml({ ...BASE, viommu: true })).toContain("<iommu model='intel'/>");
  });

  it('escapes names so any acceptable name round-trips (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
      if (checkName(name) !== undefined) return;
      const xml = vmXml({ ...BASE, name });
      const m = /<name>([^<]*)<\/name>/.exec(xml);
      expect(m && unescapeXml(m[1])).toBe(name);
      expect(xml.split('\n').filter((l) => /&(?!(amp|lt|gt|quot|apos);)/.test(l))).toEqual([]);
    }));
    expect(escapeXml(`<a&'b">`)).toBe('&lt;a&amp;&apos;b&quot;&gt;');
    expect(checkName('a/b')).toContain("may not contain '/'");
    expect(checkName('bell\u0007')).toContain('XML cannot hold');
  });

  it('runs through runHw with the scan\'s candidate and refuses bad options', () => {
    const env = { sys: sysfsOf(NEURON_HOST, { cpus: SMT_8C16T }), cpuinfo: INTEL_CPUINFO };
    const r = runHw(['vm-xml', '--name', 'gaming & work', '--memory', '8192', '--resolution', '2560x1440'], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<name>gaming &amp; work</name>');
    expect(r.stdout).toContain("<size unit='M'>64</size>");
    expect(r.stdout).toContain("<vcpu placement='static'>8</vcpu>");
    expect(r.stderr).toContain('vm.nr_hugepages = 4096');
    expect(runHw(['vm-xml', '--vendor-id', 'waytoolongvendorid'], env).exitCode).toBe(2);
    expect(runHw(['vm-xml', '--memory', 'lots'], env).stderr).toBe('twinbox hw: vm-xml: --memory lots: not a number\n');
    expect(runHw(['vm-xml', '--gpu', '00:1f.0'], env).exitCode).toBe(5);
  });
});
