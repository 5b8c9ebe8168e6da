// Machine wiring of NICs and networks: -netdev/-device parsing into device models, QEMU's
// default MACs and default NIC, errors worded as QEMU's, and two machines on one shared hub
// pinging each other through their guest kernels.
import { describe, it, expect } from 'vitest';
import { Machine } from './machine';
import { EventScheduler } from '../time/scheduler';
import { Prng } from '../random/prng';
import { EthernetHub } from '../../devices/net/link';
import { testDescription } from '../../guest/testing/machine';
import { createGuestWith } from '../../guest/index';
import { NativeRegistry } from '../../guest/kernel/native-registry';
import { testInit, type USys } from '../../guest/testing/usys';
import type { SyscallTrap } from '../../guest/abi/native';
import type { MachineDescription } from './description/types';
import { parseQemuArgs } from './description/qemu-args';
import { MachineNetwork, runLockstep } from './network';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const AF_INET = 2, SOCK_DGRAM = 2, IPPROTO_ICMP = 1;

function sin(u: USys, a: number[]): number {
  return u.bytes(Uint8Array.of(AF_INET, 0, 0, 0, ...a, 0, 0, 0, 0, 0, 0, 0, 0));
}

function* setAddr(u: USys, addr: number[]): Generator<SyscallTrap, void, number> {
  const s = yield* u.sys('socket', AF_INET, SOCK_DGRAM, 0);
  const req = (extra: (b: Uint8Array) => void) => {
    const b = new Uint8Array(40);
    b.set(new TextEncoder().encode('eth0'));
    extra(b);
    return u.bytes(b);
  };
  yield* u.sys('ioctl', s, 0x8916, req((b) => { b[16] = AF_INET; b.set(addr, 20); }));
  yield* u.sys('ioctl', s, 0x891c, req((b) => { b[16] = AF_INET; b.set([255, 255, 255, 0], 20); }));
  yield* u.sys('ioctl', s, 0x8914, req((b) => { b[16] = 1; }));
}

function hubMachine(mac: string, body: (u: USys) => Generator<SyscallTrap, void, number>): Machine {
  const desc = testDescription('virt', {
    devices: [{ driver: 'virtio-net-pci', id: 'nic', props: { netdev: 'h0', mac } }],
    netdevs: [{ type: 'hubport', id: 'h0', props: { hubid: '0' } }],
  });
  const m = new Machine(desc, 3);
  const registry = new NativeRegistry();
  registry.register('init', testInit(body), ['/init']);
  m.start(createGuestWith({ registry }));
  m.console.closeInput();
  return m;
}

describe('machine network wiring', () => {
  it('builds virtio-net on PCI and virtio-mmio with QEMU default MACs and a user network per -netdev user', () => {
    const desc = parseQemuArgs(['-M', 'virt', '-netdev', 'user,id=n0', '-netdev', 'user,id=n1', '-netdev', 'hubport,id=n2,hubid=0', '-device', 'virtio-net-pci,netdev=n0', '-device', 'virtio-net-device,netdev=n1', '-device', 'virtio-net-pci,netdev=n2,mac=02:AA:00:00:00:01']);
    if (!desc.ok) throw new Error(desc.error);
    const m = new Machine(desc.value as MachineDescription, 1);
    const nics = m.devices.network!.nics;
    expect(nics.map((n) => [n.driver, n.device.mac, n.netdev])).toEqual([
      ['virtio-net-pci', '52:54:00:12:34:56', 'n0'], ['virtio-net-pci', '02:aa:00:00:00:01', 'n2'], ['virtio-net-device', '52:54:00:12:34:57', 'n1'],
    ]);
    expect(m.devices.network!.backends.get('n0')?.user).toBeDefined();
    expect(m.devices.network!.backends.get('n1')?.user).toBeDefined();
    expect(m.devices.network!.backends.get('n2')?.hub?.name).toBe('hub0');
  });

  it('gives the implicit default NIC of virt its own user network, and none with -nodefaults', () => {
    const d1 = parseQemuArgs(['-M', 'virt']);
    const d2 = parseQemuArgs(['-M', 'virt', '-nodefaults']);
    if (!d1.ok || !d2.ok) throw new Error('parse');
    const m1 = new Machine(d1.value as MachineDescription, 1), m2 = new Machine(d2.value as MachineDescription, 1);
    expect(m1.devices.network!.nics.map((n) => [n.driver, n.netdev])).toEqual([['virtio-net-pci', '']]);
    expect(m1.devices.network!.backends.get('')?.user).toBeDefined();
    expect(m2.devices.network!.nics).toEqual([]);
  });

  it('models what real QEMU 7.2 builds for virt by default (fixtures/virt-default-nic.qemu.txt)', () => {
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures', 'virt-default-nic.qemu.txt'), 'utf8');
    // QEMU: one NIC, virtio-net-pci at 00:01.0, on a hub with a user netdev, MAC 52:54:00:12:34:56.
    const mac = /model=virtio-net-pci,macaddr=([0-9a-f:]+)/.exec(fixture)?.[1];
    expect(fixture).toMatch(/type=user,net=10\.0\.2\.0/);
    expect(fixture).toMatch(/Bus {2}0, device {3}1, function 0:\n {4}Ethernet controller: PCI device 1af4:/);
    const d = parseQemuArgs(['-M', 'virt']);
    if (!d.ok) throw new Error(d.error);
    const m = new Machine(d.value as MachineDescription, 1);
    expect(m.devices.network!.nics.map((n) => n.device.mac)).toEqual([mac]);
    const nic = m.pci.linuxDevices(false).find((x) => x.bdf === '0000:00:01.0');
    // Same slot, vendor and class; the model is modern-only (1af4:1041) where QEMU's is transitional (1af4:1000).
    expect(nic && [nic.vendorId, nic.deviceId, nic.classCode >> 8]).toEqual([0x1af4, 0x1041, 0x0200]);
  });

  it('reports a missing netdev or a bad MAC as QEMU does', () => {
    const net = new MachineNetwork(testDescription('virt'), new EventScheduler(), new Prng(1));
    expect(net.buildNic({ driver: 'virtio-net-pci', props: { netdev: 'nope' } }, 'virtio-net-pci')).toBe("Property 'virtio-net-pci.netdev' can't find value 'nope'");
    expect(net.buildNic({ driver: 'virtio-net-pci', props: { mac: 'zz' } }, 'virtio-net-pci')).toBe("Property 'virtio-net-pci.mac' doesn't take value 'zz'");
    expect(() => new Machine(testDescription('virt', { devices: [{ driver: 'virtio-net-pci', props: { netdev: 'x' } }] }), 1)).toThrow(/can't find value 'x'/);
  });

  it('connects two machines on one hub: one pings the other', () => {
    const replies: number[] = [];
    const a = hubMachine('52:54:00:00:00:01', function* (u) {
      yield* setAddr(u, [192, 168, 7, 1]);
      const p = yield* u.sys('socket', AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
      const buf = u.alloc(256);
      for (let seq = 1; seq <= 3; seq++) {
        yield* u.sys('sendto', p, u.bytes(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, seq)), 8, 0, sin(u, [192, 168, 7, 2]), 16);
        const n = yield* u.sys('recvfrom', p, buf, 256, 0, 0, 0);
        replies.push(n > 0 ? u.read(buf, 8)[7] : n);
      }
    });
    const b = hubMachine('52:54:00:00:00:02', function* (u) {
      yield* setAddr(u, [192, 168, 7, 2]);
      const ts = u.bytes(new Uint8Array(new BigInt64Array([2n, 0n]).buffer));
      yield* u.sys('nanosleep', ts, 0);
    });
    const sched = new EventScheduler();
    const hub = new EthernetHub('lan', sched, new Prng(9));
    expect(a.devices.network!.joinHub('h0', hub, 'a')).toBeNull();
    expect(b.devices.network!.joinHub('h0', hub, 'b')).toBeNull();
    runLockstep([a, b], sched, 5e9);
    expect(replies).toEqual([1, 2, 3]);
    expect(hub.port('b:hub0')!.stats.txFrames).toBeGreaterThanOrEqual(4);
  });
});

describe('hubports', () => {
  it('connect the NICs of one machine that share a hubid, and not others', () => {
    const d = parseQemuArgs(['-M', 'virt', '-netdev', 'hubport,id=p0,hubid=0', '-netdev', 'hubport,id=p1,hubid=0', '-netdev', 'hubport,id=p2,hubid=1',
      '-device', 'virtio-net-pci,netdev=p0', '-device', 'virtio-net-pci,netdev=p1', '-device', 'virtio-net-pci,netdev=p2']);
    if (!d.ok) throw new Error(d.error);
    const m = new Machine(d.value as MachineDescription, 1);
    const [a, b, c] = m.devices.network!.nics.map((n) => n.device);
    const hub0 = m.devices.network!.backends.get('p0')!.hub!;
    const probe = hub0.attach('probe', () => undefined);
    probe.send(new Uint8Array(60).fill(0xff));
    while (m.scheduler.runNext()) { /* deliver */ }
    // Not activated by a driver, so the devices count the frames as dropped for lack of buffers.
    expect([a, b, c].map((x) => x.metrics.rxDroppedNoBuffer)).toEqual([1, 1, 0]);
  });
});

describe('machine network state', () => {
  it('is part of the machine snapshot', () => {
    const d = parseQemuArgs(['-M', 'virt', '-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0']);
    if (!d.ok) throw new Error(d.error);
    const state = new Machine(d.value as MachineDescription, 1).saveState() as { network: { nics: Array<{ name: string; state: { linkUp: boolean } }>; user: Array<{ id: string }> } };
    expect(state.network.nics.map((n) => [n.name, n.state.linkUp])).toEqual([['net0', true]]);
    expect(state.network.user.map((u) => u.id)).toEqual(['n0']);
  });
});
