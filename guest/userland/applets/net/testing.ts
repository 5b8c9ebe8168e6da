// Test fixture for the network applets: a machine running the native userland whose PID 1 runs
// one shell script, with the kernel's IPv4 stack given an `eth0` on a hub shared with the
// built-in user network (10.0.2.0/24: DHCP, DNS at .3, simulated hosts). Until machine
// descriptions wire -netdev user themselves, this is how the tools meet a real network.

import { EthernetHub } from '../../../../devices/net/link';
import type { PcapWriter } from '../../../../devices/net/pcap';
import { UserNetwork } from '../../../../devices/net/user/network';
import type { UserNetOptions } from '../../../../devices/net/user/network';
import { Machine } from '../../../../emulator/machine/machine';
import { Prng } from '../../../../emulator/random/prng';
import { HubNetDevice } from '../../../net/inet/testing';
import { createGuestWith } from '../../../index';
import type { Kernel } from '../../../kernel/kernel';
import { NativeRegistry } from '../../../kernel/native-registry';
import { testDescription } from '../../../testing/machine';
import { program } from '../../libc/runtime';
import { USERLAND_PROGRAMS } from '../../programs';

export const GUEST_MAC = '52:54:00:12:34:56';

export interface NetRunOptions {
  seed?: number;
  user?: UserNetOptions;
  untilNs?: number;
  /** Give eth0 10.0.2.15/24 and a default route via 10.0.2.2 without DHCP. */
  staticConfig?: boolean;
  pcap?: PcapWriter;
}

export interface NetRunResult {
  out: string;
  kernel: Kernel;
  user: UserNetwork;
  hub: EthernetHub;
  machine: Machine;
}

export function runNetScript(script: string, opts: NetRunOptions = {}): NetRunResult {
  const registry = new NativeRegistry();
  for (const p of USERLAND_PROGRAMS) registry.register(p.name, p.main, p.paths);
  registry.register('test-init', program(function* (rt) {
    const full = opts.staticConfig ? `echo nameserver 10.0.2.3 > /etc/resolv.conf; ${script}` : script;
    const r = yield* rt.sys.execve('/bin/sh', ['sh', '-c', full], ['PATH=/sbin:/bin:/usr/sbin:/usr/bin', 'HOME=/']);
    return r < 0 ? 127 : 0;
  }), ['/test-init']);
  const seed = opts.seed ?? 1;
  const m = new Machine(testDescription('virt', { append: 'console=ttyAMA0 rdinit=/test-init' }), seed);
  const prng = new Prng(seed).fork('net-test');
  const hub = new EthernetHub('net0', m.scheduler, prng.fork('hub'), { latencyNs: 100_000 });
  if (opts.pcap) {
    const pcap = opts.pcap;
    hub.addTap((timeNs, frame) => pcap.add(timeNs, frame));
  }
  const user = new UserNetwork(m.scheduler, prng.fork('user'), opts.user ?? {});
  user.attach(hub);
  let kernel: Kernel | undefined;
  const factory = createGuestWith({ registry });
  m.start((machine) => {
    kernel = factory(machine) as Kernel;
    return kernel;
  });
  // Boot created the kernel's stack with `lo` (the description has no NIC); eth0 joins it here.
  const stack = kernel!.net!;
  stack.addDevice(new HubNetDevice('eth0', GUEST_MAC, hub, 'guest'));
  if (opts.staticConfig) {
    stack.setUp('eth0', true);
    stack.addAddress('eth0', { addr: 0x0a00020f, prefixLen: 24 });
    stack.addRoute({ dest: 0, prefixLen: 0, gateway: 0x0a000202, ifname: 'eth0', metric: 0 });
  }
  m.console.closeInput();
  m.run({ untilNs: opts.untilNs ?? 120e9 });
  return { out: Buffer.from(m.console.transcript).toString('utf8').replace(/\r\n/g, '\n'), kernel: kernel!, user, hub, machine: m };
}
