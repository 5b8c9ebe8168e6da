// Numbers from the virtio 1.1 specification shared by every transport and device:
// device status bits (§2.1), reserved feature bits (§6), descriptor flags (§2.6.5).

export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

export const F_RING_INDIRECT_DESC = 1n << 28n;
export const F_RING_EVENT_IDX = 1n << 29n;
export const F_VERSION_1 = 1n << 32n;

/** Features every device gets from the common virtqueue code. */
export const TRANSPORT_FEATURES = F_RING_INDIRECT_DESC | F_RING_EVENT_IDX | F_VERSION_1;

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Interrupt status bits (mmio InterruptStatus, pci ISR). */
export const ISR_USED_BUFFER = 1;
export const ISR_CONFIG_CHANGE = 2;

/** The largest split queue the spec allows. */
export const MAX_QUEUE_SIZE = 32768;

export const DEVICE_ID_NET = 1;
export const DEVICE_ID_BLOCK = 2;
