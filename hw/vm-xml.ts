// `hw vm-xml`: the libvirt domain of seed Phase 0 (Days 6-13) for the chosen GPU: q35 with OVMF
// (loader + nvram), the GPU and the other functions of its slot as managed PCI hostdevs, the
// Hyper-V vendor_id and hidden KVM against NVIDIA's Code 43, an ivshmem-plain shmem for Looking
// Glass sized from the resolution, vCPU pinning from the host topology, hugepages and a TPM 2.0.

import { planPinning, formatCpuList, type HostCore } from './cpu-topology';

export interface VmXmlOptions {
  name: string;
  memoryMiB: number;
  vcpus: number;
  width: number;
  height: number;
  /** BDFs (DDDD:BB:DD.F) to pass through: the GPU first, then its companions. */
  hostdevs: string[];
  cores: readonly HostCore[];
  vendorId: string;
  diskPath: string;
  ovmfCode: string;
  ovmfVars: string;
  /** Adds <iommu model='intel'/> (the seed's "ensure IOMMU" step) with the split IOAPIC it needs. */
  viommu: boolean;
}

const MiB = 1024 * 1024;

/** Looking Glass's IVSHMEM size: W*H*4 bytes, two frames, plus 10 MiB, rounded up to a power of two MiB. */
export function lookingGlassSizeMiB(width: number, height: number): number {
  const needMiB = (width * height * 4 * 2) / MiB + 10;
  let size = 1;
  while (size < needMiB) size *= 2;
  return size;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Characters XML 1.0 cannot carry even escaped (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF). */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** libvirt's rules for a domain name plus what XML can hold; undefined when acceptable. */
export function checkName(name: string): string | undefined {
  if (name.length === 0) return 'the VM name is empty';
  if (name.includes('/')) return `the VM name may not contain '/' (${JSON.stringify(name)})`;
  if (NOT_XML_CHAR.test(name)) return `the VM name has characters XML cannot hold (${JSON.stringify(name)})`;
  return undefined;
}

function pciAddress(bdf: string): string {
  const [dom, bus, rest] = bdf.split(':');
  const [slot, fn] = rest.split('.');
  return `<address domain='0x${dom}' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/>`;
}

function cpuSection(o: VmXmlOptions): string[] {
  const pin = planPinning(o.cores, o.vcpus);
  const out = [`  <vcpu placement='static'>${o.vcpus}</vcpu>`];
  if (pin) {
    out.push('  <cputune>');
    pin.vcpuPins.forEach((cpu, i) => out.push(`    <vcpupin vcpu='${i}' cpuset='${cpu}'/>`));
    out.push(`    <emulatorpin cpuset='${formatCpuList(pin.emulatorCpus)}'/>`, '  </cputune>');
  }
  const cores = pin ? pin.cores : o.vcpus;
  const threads = pin ? pin.threads : 1;
  out.push(
    "  <cpu mode='host-passthrough' check='none' migratable='on'>",
    `    <topology sockets='1' dies='1' cores='${cores}' threads='${threads}'/>`,
    '  </cpu>',
  );
  return out;
}

function featuresSection(o: VmXmlOptions): string[] {
  return [
    '  <features>', '    <acpi/>', '    <apic/>',
    "    <hyperv mode='custom'>", "      <relaxed state='on'/>", "      <vapic state='on'/>",
    "      <spinlocks state='on' retries='8191'/>", `      <vendor_id state='on' value='${escapeXml(o.vendorId)}'/>`, '    </hyperv>',
    '    <kvm>', "      <hidden state='on'/>", '    </kvm>',
    "    <vmport state='off'/>", `    <ioapic driver='${o.viommu ? 'qemu' : 'kvm'}'/>`, '  </features>',
  ];
}

function devicesSection(o: VmXmlOptions): string[] {
  const out = ['  <devices>', '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    "    <disk type='file' device='disk'>", "      <driver name='qemu' type='qcow2' discard='unmap'/>",
    `      <source file='${escapeXml(o.diskPath)}'/>`, "      <target dev='vda' bus='virtio'/>", '    </disk>',
    "    <interface type='network'>", "      <source network='default'/>", "      <model type='virtio'/>", '    </interface>'];
  for (const bdf of o.hostdevs) {
    out.push("    <hostdev mode='subsystem' type='pci' managed='yes'>", '      <source>', `        ${pciAddress(bdf)}`, '      </source>', '    </hostdev>');
  }
  out.push(
    "    <shmem name='looking-glass'>", "      <model type='ivshmem-plain'/>",
    `      <size unit='M'>${lookingGlassSizeMiB(o.width, o.height)}</size>`, '    </shmem>',
    "    <tpm model='tpm-crb'>", "      <backend type='emulator' version='2.0'/>", '    </tpm>',
  );
  if (o.viommu) out.push("    <iommu model='intel'/>");
  out.push("    <memballoon model='none'/>", '  </devices>');
  return out;
}

export function vmXml(o: VmXmlOptions): string {
  const name = escapeXml(o.name);
  const lines = [
    "<domain type='kvm'>",
    `  <name>${name}</name>`,
    `  <memory unit='MiB'>${o.memoryMiB}</memory>`,
    `  <currentMemory unit='MiB'>${o.memoryMiB}</currentMemory>`,
    '  <memoryBacking>', '    <hugepages/>', '  </memoryBacking>',
    ...cpuSection(o),
    '  <os>', "    <type arch='x86_64' machine='q35'>hvm</type>",
    `    <loader readonly='yes' type='pflash'>${escapeXml(o.ovmfCode)}</loader>`,
    `    <nvram template='${escapeXml(o.ovmfVars)}'>/var/lib/libvirt/qemu/nvram/${name}_VARS.fd</nvram>`,
    "    <boot dev='hd'/>", '  </os>',
    ...featuresSection(o),
    "  <clock offset='localtime'>", "    <timer name='rtc' tickpolicy='catchup'/>", "    <timer name='pit' tickpolicy='delay'/>",
    "    <timer name='hpet' present='no'/>", "    <timer name='hypervclock' present='yes'/>", '  </clock>',
    '  <on_poweroff>destroy</on_poweroff>', '  <on_reboot>restart</on_reboot>', '  <on_crash>destroy</on_crash>',
    ...devicesSection(o),
    '</domain>',
  ];
  return lines.join('\n') + '\n';
}

/** "1920x1080" → [1920, 1080], undefined when malformed or out of range. */
export function parseResolution(text: string): [number, number] | undefined {
  const m = /^(\d{1,5})x(\d{1,5})$/i.exec(text.trim());
  if (!m) return undefined;
  const w = Number(m[1]), h = Number(m[2]);
  return w >= 320 && h >= 200 && w <= 16384 && h <= 16384 ? [w, h] : undefined;
}

/** Hugepages needed for the VM's memory with 2 MiB pages (the seed's vm.nr_hugepages). */
export const hugepagesFor = (memoryMiB: number): number => Math.ceil(memoryMiB / 2);
