// What the virtio core driver needs from a transport (virtio 1.1 §4): feature words, the
// status byte, queue setup by physical addresses, the notification doorbell and the device's
// configuration space. virtio-mmio and modern virtio-pci implement it.

export const STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8;
export const STATUS_NEEDS_RESET = 64, STATUS_FAILED = 128;
export const F_VERSION_1 = 1n << 32n;

export interface QueueAddrs {
  descAddr: number;
  availAddr: number;
  usedAddr: number;
}

export interface VirtioTransport {
  /** "virtio-mmio@a003e00" or "0000:00:02.0", for log lines. */
  readonly where: string;
  readonly deviceType: number;
  /** The interrupt controller input the device signals on (GIC interrupt id or IOAPIC GSI), if known. */
  readonly irq: number | undefined;
  /** Reads and acknowledges the interrupt status (bit 0 used buffer, bit 1 configuration change). */
  ackInterrupt(): number;
  deviceFeatures(): bigint;
  setDriverFeatures(f: bigint): void;
  getStatus(): number;
  setStatus(s: number): void;
  /** The largest size the device allows for queue `index` (0: no such queue). */
  queueMaxSize(index: number): number;
  /** Programs and enables queue `index`. */
  enableQueue(index: number, sizeEntries: number, addrs: QueueAddrs): void;
  notify(index: number): void;
  readConfig(offset: number, size: 1 | 2 | 4): number;
  /**
   * Switches a PCI function to MSI-X with `messages` as its vectors, Linux's layout: vector 0
   * for configuration changes, vector 1 + N for queue N. False when it has no (big enough)
   * MSI-X table. Only virtio-pci has it.
   */
  enableMsix?(messages: readonly MsiMessage[]): boolean;
  /** True once MSI-X is on: queue interrupts arrive as messages, not on `irq`. */
  readonly msixEnabled?: boolean;
}

/** One MSI message: the address the function writes `data` to. */
export interface MsiMessage {
  address: number;
  data: number;
}

export function readConfig64(t: VirtioTransport, offset: number): number {
  return t.readConfig(offset, 4) + t.readConfig(offset + 4, 4) * 0x1_0000_0000;
}
