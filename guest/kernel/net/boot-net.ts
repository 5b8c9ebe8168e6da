// Boot: bring up every virtio-net device in probe order as eth0, eth1... (net_device naming
// before udev), register its interrupt (shared INTx lines chain handlers, as storage.ts does),
// and create the kernel's IPv4 stack with `lo` and the NICs. Like Linux, no console line is
// printed for a virtio NIC; failures are logged at KERN_ERR.

import { probeVirtio } from '../../drivers/virtio/probe';
import { VirtioNetDriver, VIRTIO_ID_NET } from '../../drivers/virtio/net';
import { Ipv4Stack } from '../../net/inet/stack';
import { KERN_DEBUG, KERN_ERR } from '../klog';
import type { Kernel } from '../kernel';
import { netStateOf } from './state';
import type { IpStack } from '../../net/socket';

export function probeNetwork(k: Kernel): void {
  const state = netStateOf(k);
  probeVirtio(k.machine).forEach((t, index) => {
    if (t.deviceType !== VIRTIO_ID_NET) return;
    const name = `eth${state.nics.length}`;
    // Linux's eth_hw_addr_random for a device without a MAC: locally administered, from the kernel's PRNG.
    const r = k.machine.prng.fork(`kernel:net:mac${index}`).nextU32();
    const fallbackMac = ['02', ...[r >>> 24, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff, index & 0xff].map((b) => b.toString(16).padStart(2, '0'))].join(':');
    const d = VirtioNetDriver.init(t, k.machine.ram, () => k.frames.alloc(), { name, fallbackMac });
    if (typeof d === 'string') {
      k.klog.printk(d, KERN_ERR);
      return;
    }
    if (t.irq !== undefined) k.requestIrq(t.irq, `virtio${index}`, () => d.handleIrq());
    state.nics.push(d);
  });
  const stack = ensureNet(k);
  for (const nic of state.nics) stack.addDevice(nic);
}

/** The kernel's IPv4 stack, created (with `lo` only) the first time a kernel that did not probe for NICs needs it. */
export function ensureNet(k: Kernel): IpStack {
  k.net ??= new Ipv4Stack({
    scheduler: k.machine.scheduler,
    prng: k.machine.prng.fork('kernel:net'),
    log: (line) => k.klog.printk(line, KERN_DEBUG),
  });
  return k.net;
}

