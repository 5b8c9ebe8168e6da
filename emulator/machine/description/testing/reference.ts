// Command lines captured against real QEMU 7.2, shared by the description tests.

/**
 * shared/reference/q35-dual-display.args. QEMU placed the root bus at 00:00.0 host bridge,
 * 00:01.0 e1000e (8086:10d3), 00:02.0 VGA (1234:1111), 00:03.0 and 00:04.0 root ports,
 * 00:1f.0/2/3 ICH9; behind them 01:00.0/01:00.1 GPU + audio, 02:00.0 bridge, 03:01.0 and 03:02.0 NICs.
 */
export const Q35_DUAL_DISPLAY_ARGS =
  '-M q35,kernel-irqchip=split -device intel-iommu,intremap=on -device VGA -device pcie-root-port,id=rp1,slot=1 ' +
  '-device virtio-gpu-pci,bus=rp1,addr=0.0,multifunction=on -device ich9-intel-hda,bus=rp1,addr=0.1 ' +
  '-device pcie-root-port,id=rp2,slot=2 -device pcie-pci-bridge,id=br1,bus=rp2 -device e1000,bus=br1,addr=1 -device e1000,bus=br1,addr=2';
