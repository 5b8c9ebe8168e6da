// Vendor and device names in the form of the pci.ids database (as lspci prints them), for the
// devices twinbox models. Only names pci.ids actually has: vendor 1234 (Bochs VGA) and
// 1b36:000e are absent there, and lspci shows them as `Device 1234:1111`. Checked against
// Debian's pci.ids by names.oracle.test.ts.

const VENDORS: Record<number, string> = {
  0x8086: 'Intel Corporation',
  0x1af4: 'Red Hat, Inc.',
  0x1b36: 'Red Hat, Inc.',
  0x104c: 'Texas Instruments',
  0x10de: 'NVIDIA Corporation',
  0x1002: 'Advanced Micro Devices, Inc. [AMD/ATI]',
  0x1022: 'Advanced Micro Devices, Inc. [AMD]',
};

const DEVICES: Record<string, string> = {
  '8086:29c0': '82G33/G31/P35/P31 Express DRAM Controller',
  '8086:2918': '82801IB (ICH9) LPC Interface Controller',
  '8086:2922': '82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]',
  '8086:2930': '82801I (ICH9 Family) SMBus Controller',
  '8086:293e': '82801I (ICH9 Family) HD Audio Controller',
  '8086:10d3': '82574L Gigabit Network Connection',
  '8086:100e': '82540EM Gigabit Ethernet Controller',
  '8086:9bc5': 'CometLake-S GT2 [UHD Graphics 630]',
  '8086:1901': '6th-10th Gen Core Processor PCIe Controller (x16)',
  '8086:8c10': '8 Series/C220 Series Chipset Family PCI Express Root Port #1',
  '8086:10c9': '82576 Gigabit Network Connection',
  '1af4:1000': 'Virtio network device',
  '1af4:1001': 'Virtio block device',
  '1af4:1002': 'Virtio memory balloon',
  '1af4:1003': 'Virtio console',
  '1af4:1004': 'Virtio SCSI',
  '1af4:1005': 'Virtio RNG',
  '1af4:1041': 'Virtio 1.0 network device',
  '1af4:1042': 'Virtio 1.0 block device',
  '1af4:1043': 'Virtio 1.0 console',
  '1af4:1044': 'Virtio 1.0 RNG',
  '1af4:1045': 'Virtio 1.0 memory balloon',
  '1af4:1048': 'Virtio 1.0 SCSI',
  '1af4:1050': 'Virtio 1.0 GPU',
  '1af4:1052': 'Virtio 1.0 input',
  '1af4:1110': 'Inter-VM shared memory',
  '1b36:0001': 'QEMU PCI-PCI bridge',
  '1b36:0008': 'QEMU PCIe Host bridge',
  '1b36:000c': 'QEMU PCIe Root port',
  '1b36:000d': 'QEMU XHCI Host Controller',
  '1b36:0010': 'QEMU NVM Express Controller',
  '1b36:0100': 'QXL paravirtual graphic card',
  '104c:8232': 'XIO3130 PCI Express Switch (Upstream)',
  '104c:8233': 'XIO3130 PCI Express Switch (Downstream)',
  '10de:2484': 'GA104 [GeForce RTX 3070]',
  '10de:228b': 'GA104 High Definition Audio Controller',
  '1002:73bf': 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]',
  '1002:ab28': 'Navi 21/23 HDMI/DP Audio Controller',
  '1022:1483': 'Starship/Matisse GPP Bridge',
};

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export function vendorName(vendorId: number): string | undefined {
  return VENDORS[vendorId];
}

export function deviceName(vendorId: number, deviceId: number): string | undefined {
  return DEVICES[`${hex4(vendorId)}:${hex4(deviceId)}`];
}

/** The entries of the table, for checking against a pci.ids file. */
export function knownNames(): Array<{ vendorId: number; deviceId?: number; name: string }> {
  const out: Array<{ vendorId: number; deviceId?: number; name: string }> = [];
  for (const [v, name] of Object.entries(VENDORS)) out.push({ vendorId: Number(v), name });
  for (const [key, name] of Object.entries(DEVICES)) {
    const [v, d] = key.split(':');
    out.push({ vendorId: parseInt(v, 16), deviceId: parseInt(d, 16), name });
  }
  return out;
}

/** lspci's "Vendor Device" text: `Red Hat, Inc. Virtio 1.0 GPU`, or `Device 1234:1111` when pci.ids knows neither. */
export function describeDevice(vendorId: number, deviceId: number): string {
  const v = vendorName(vendorId);
  const d = deviceName(vendorId, deviceId);
  if (v && d) return `${v} ${d}`;
  if (v) return `${v} Device ${hex4(deviceId)}`;
  return `Device ${hex4(vendorId)}:${hex4(deviceId)}`;
}
