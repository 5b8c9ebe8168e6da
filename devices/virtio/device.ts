// The one interface every virtio device implements (the rust-vmm VirtioDevice shape). The
// transports (mmio.ts, pci-modern.ts) own status, feature negotiation and queue setup through
// transport-core.ts; a device only sees its config space, its queues once the driver is ready,
// and a context to complete requests through.

import type { GuestRam } from '../../emulator/memory/guest-ram';
import type { SplitQueue } from './queue';

export interface VirtioDeviceContext {
  readonly ram: GuestRam;
  /** Negotiated features (device-specific and transport bits). */
  readonly features: bigint;
  /** One entry per queue the device declared; undefined where the driver did not enable it. */
  readonly queues: ReadonlyArray<SplitQueue | undefined>;
  /** Raise the used-buffer interrupt for a queue if its suppression state allows. */
  signalUsed(queueIndex: number): void;
  /** The driver broke the protocol: set DEVICE_NEEDS_RESET and stop serving queues. */
  fail(reason: string): void;
  /** The device changed its config space (bumps the generation, raises the config interrupt). */
  configChanged(): void;
}

export interface VirtioDevice<S = unknown> {
  readonly deviceType: number;
  /** Device-specific feature bits; the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX. */
  readonly deviceFeatures: bigint;
  /** Maximum size of each queue; the array length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  readonly configSizeBytes: number;
  readConfig(offset: number, sizeBytes: number): number;
  writeConfig(offset: number, sizeBytes: number, value: number): void;
  /** DRIVER_OK was set: queues are live from now on. */
  activate(ctx: VirtioDeviceContext): void;
  /** The driver wrote 0 to status: forget all queue-related state. */
  reset(): void;
  queueNotify(queueIndex: number): void;
  save(): S;
  restore(state: S): void;
}

/** Reads `sizeBytes` little-endian from a config byte image; out-of-range bytes read as 0. */
export function readConfigBytes(bytes: Uint8Array, offset: number, sizeBytes: number): number {
  let v = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] ?? 0);
  return v >>> 0;
}
