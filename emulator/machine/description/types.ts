// The one internal representation of a machine. Profiles (YAML/JSON) and QEMU command lines
// both parse into it; the simulator builds a Machine from it and the QEMU backend turns it
// back into a qemu-system argv. Order matters: devices keep command-line order, because
// QEMU assigns PCI slots in that order.

export type Arch = 'aarch64' | 'x86_64';
export type MachineType = 'virt' | 'q35';

export interface DeviceSpec {
  /** QEMU driver name, e.g. `virtio-blk-pci`, `pcie-root-port`. */
  driver: string;
  id?: string;
  /** Parent bus id (`rp1`, `pcie.0`), as in `-device ...,bus=`. */
  bus?: string;
  /** Slot/function as QEMU writes it: `2`, `0x1f.2`, `0.1`. */
  addr?: string;
  multifunction?: boolean;
  /** Every other `key=value` property, kept verbatim for the device model and the QEMU argv. */
  props: Record<string, string>;
  /** True for devices QEMU adds on its own (default NIC, VGA, ICH9 functions). */
  implicit?: boolean;
}

export interface DriveSpec {
  id?: string;
  file: string;
  format: 'raw';
  if: 'none' | 'virtio' | 'ide' | 'scsi' | 'pflash' | 'mtd' | 'sd';
  readonly: boolean;
  props: Record<string, string>;
}

export interface NetdevSpec {
  /** `user`, `hub`, `dgram`, `socket`, `stream`, `tap`... */
  type: string;
  id: string;
  props: Record<string, string>;
}

export interface MachineDescription {
  arch: Arch;
  machine: MachineType;
  /** Options after the machine type in `-M q35,kernel-irqchip=split`. */
  machineOptions: Record<string, string>;
  cpu: string;
  memoryBytes: number;
  smp: number;
  devices: DeviceSpec[];
  drives: DriveSpec[];
  netdevs: NetdevSpec[];
  kernel?: string;
  initrd?: string;
  append: string;
  nographic: boolean;
  noReboot: boolean;
  /** `-nodefaults`: QEMU adds no default NIC/VGA. */
  noDefaults: boolean;
  /** Profile-only data later issues read (simulated hosts, DNS records, host PCI devices). */
  extra: Record<string, unknown>;
  /** Where this description came from, for error messages. */
  source: string;
}

export const MACHINE_ARCH: Record<MachineType, Arch> = { virt: 'aarch64', q35: 'x86_64' };
