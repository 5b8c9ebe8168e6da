// A whole guest on `-netdev user` through the real path: native program -> socket syscalls ->
// IPv4 stack -> virtio-net driver -> device model -> hub -> simulated user network. Static
// configuration with the ioctls ifconfig/route use, ping 10.0.2.2 over a ping socket, an HTTP
// GET over TCP from the user network's simulated host, and rtnetlink dumps decoded.
import { describe, it, expect } from 'vitest';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';
import type { SyscallTrap } from '../../abi/native';
import { HOST, USER_NET_DESC } from './testing';
import { SIOCADDRT, SIOCGIFFLAGS, SIOCGIFHWADDR, SIOCSIFADDR, SIOCSIFFLAGS, SIOCSIFNETMASK, SIOCGIFCONF, IFF_UP } from './ifreq';
import { parseMessages, parseAttrs, attrStr, NLMSG_DONE, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETLINK, RTM_GETROUTE, RTM_NEWLINK, RTM_NEWROUTE, IFLA_IFNAME, RTA_GATEWAY, emitMessage } from '../../net/netlink/codec';

const AF_INET = 2, AF_NETLINK = 16, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, IPPROTO_ICMP = 1;

function ip(s: string): number[] {
  return s.split('.').map(Number);
}

function ifreq(u: USys, name: string, sockaddrIp?: string, flags?: number): number {
  const b = new Uint8Array(40);
  b.set(new TextEncoder().encode(name));
  if (sockaddrIp) {
    b[16] = AF_INET;
    b.set(ip(sockaddrIp), 20);
  }
  if (flags !== undefined) new DataView(b.buffer).setInt16(16, flags, true);
  return u.bytes(b);
}

function sin(u: USys, addr: string, port: number): number {
  const b = new Uint8Array(16);
  b[0] = AF_INET;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(ip(addr), 4);
  return u.bytes(b);
}

function* configure(u: USys): Generator<SyscallTrap, number[], number> {
  const out: number[] = [];
  const s = yield* u.sys('socket', AF_INET, SOCK_DGRAM, 0);
  out.push(yield* u.sys('ioctl', s, SIOCSIFADDR, ifreq(u, 'eth0', '10.0.2.15')));
  out.push(yield* u.sys('ioctl', s, SIOCSIFNETMASK, ifreq(u, 'eth0', '255.255.255.0')));
  out.push(yield* u.sys('ioctl', s, SIOCSIFFLAGS, ifreq(u, 'eth0', undefined, IFF_UP)));
  const rt = new Uint8Array(120);
  rt[8] = AF_INET;
  rt[24] = AF_INET;
  rt.set(ip('10.0.2.2'), 28);
  rt[40] = AF_INET;
  new DataView(rt.buffer).setUint16(56, 0x1 | 0x2, true);
  out.push(yield* u.sys('ioctl', s, SIOCADDRT, u.bytes(rt)));
  yield* u.sys('close', s);
  return out;
}

describe('a guest on -netdev user', () => {
  it('configures eth0 by ioctl, pings the gateway and fetches a page over TCP', () => {
    const got: Array<number | string> = [];
    const { kernel, machine } = runInit(function* (u) {
      got.push(...(yield* configure(u)));
      const s = yield* u.sys('socket', AF_INET, SOCK_DGRAM, 0);
      const req = ifreq(u, 'eth0');
      got.push(yield* u.sys('ioctl', s, SIOCGIFFLAGS, req), new DataView(u.read(req + 16, 2).buffer).getInt16(0, true) & 0x1043);
      got.push(yield* u.sys('ioctl', s, SIOCGIFHWADDR, req), [...u.read(req + 18, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':'));
      // ping socket: an echo request to the gateway, the reply read back
      const p = yield* u.sys('socket', AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
      const echo = u.bytes(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 1, 0x74, 0x62));
      got.push(yield* u.sys('sendto', p, echo, 10, 0, sin(u, '10.0.2.2', 0), 16));
      const buf = u.alloc(2048);
      const n = yield* u.sys('recvfrom', p, buf, 2048, 0, 0, 0);
      got.push(n, u.read(buf, 1)[0], u.text(buf + 8, 2));
      // TCP to the simulated HTTP host through the default route
      const t = yield* u.sys('socket', AF_INET, SOCK_STREAM, 0);
      got.push(yield* u.sys('connect', t, sin(u, HOST, 80), 16));
      const get = 'GET / HTTP/1.0\r\n\r\n';
      got.push(yield* u.sys('write', t, u.cstr(get), get.length));
      let body = '';
      for (;;) {
        const r = yield* u.sys('read', t, buf, 2048);
        if (r <= 0) break;
        body += u.text(buf, r);
      }
      got.push(body.split('\r\n')[0], body.endsWith('<html>twinbox</html>\n') ? 'body ok' : body);
    }, { description: USER_NET_DESC, untilNs: 60e9 });
    expect(got).toEqual([0, 0, 0, 0, 0, 0x1043, 0, '52:54:00:12:34:56', 10, 10, 0, 'tb', 0, 18, 'HTTP/1.0 200 OK', 'body ok']);
    expect(kernel.net?.interfaces().map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect(machine.devices.network?.backends.get('n0')?.user?.stats.icmpEchoReplies).toBe(1);
  });

  it('answers rtnetlink dumps: links, then the routes just added; SIOCGIFCONF lists addresses', () => {
    const links: string[] = [];
    const routes: string[] = [];
    let confLen = -1;
    runInit(function* (u) {
      yield* configure(u);
      const nl = yield* u.sys('socket', AF_NETLINK, SOCK_RAW, 0);
      const nlAddr = u.bytes(Uint8Array.of(AF_NETLINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
      yield* u.sys('bind', nl, nlAddr, 12);
      const buf = u.alloc(65536);
      for (const [type, into] of [[RTM_GETLINK, links], [RTM_GETROUTE, routes]] as const) {
        const req = emitMessage(type, NLM_F_REQUEST | NLM_F_DUMP, 7, 0, type === RTM_GETLINK ? new Uint8Array(16) : Uint8Array.of(AF_INET, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        yield* u.sys('sendto', nl, u.bytes(req), req.length, 0, 0, 0);
        const n = yield* u.sys('recvfrom', nl, buf, 65536, 0, 0, 0);
        for (const m of parseMessages(u.read(buf, n))) {
          if (m.type === RTM_NEWLINK) into.push(attrStr(parseAttrs(m.payload.subarray(16)), IFLA_IFNAME) ?? '?');
          else if (m.type === RTM_NEWROUTE) {
            const gw = parseAttrs(m.payload.subarray(12)).get(RTA_GATEWAY);
            into.push(`${m.payload[1]}${gw ? ' via ' + [...gw].join('.') : ''}`);
          } else if (m.type === NLMSG_DONE) into.push('done');
        }
      }
      const s = yield* u.sys('socket', AF_INET, SOCK_DGRAM, 0);
      const conf = u.alloc(16);
      u.setI32(conf, 0);
      yield* u.sys('ioctl', s, SIOCGIFCONF, conf);
      confLen = u.i32(conf);
    }, { description: USER_NET_DESC });
    expect(links).toEqual(['lo', 'eth0', 'done']);
    expect(routes).toContain('0 via 10.0.2.2');
    expect(routes).toContain('24');
    expect(routes[routes.length - 1]).toBe('done');
    expect(confLen).toBe(80);
  });
});

function* readFile(u: USys, path: string): Generator<SyscallTrap, string, number> {
  const fd = yield* u.sys('openat', -100, u.cstr(path), 0, 0);
  if (fd < 0) return `open ${fd}`;
  const buf = u.alloc(8192);
  const n = yield* u.sys('read', fd, buf, 8192);
  yield* u.sys('close', fd);
  return n < 0 ? `read ${n}` : u.text(buf, n);
}

describe.each([
  ['q35', 'virtio-net-pci'],
  ['virt', 'virtio-net-device'],
] as const)('%s with %s', (type, driver) => {
  it('takes the interrupt path and answers ping from the gateway', () => {
    const got: number[] = [];
    runInit(function* (u) {
      yield* configure(u);
      const p = yield* u.sys('socket', AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
      const buf = u.alloc(256);
      for (let seq = 1; seq <= 2; seq++) {
        yield* u.sys('sendto', p, u.bytes(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, seq)), 8, 0, sin(u, '10.0.2.2', 0), 16);
        got.push(yield* u.sys('recvfrom', p, buf, 256, 0, 0, 0), u.read(buf, 8)[7]);
      }
    }, { type, description: { ...USER_NET_DESC, devices: [{ driver, id: 'nic0', props: { netdev: 'n0' } }] } });
    expect(got).toEqual([8, 1, 8, 2]);
  });
});

describe('/proc/net and /sys/class/net', () => {
  it('show the interfaces, routes, ARP entries and sockets in Linux formats', () => {
    const files: Record<string, string> = {};
    runInit(function* (u) {
      yield* configure(u);
      yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0);
      yield* u.sys('mount', u.cstr('sysfs'), u.cstr('/sys'), u.cstr('sysfs'), 0, 0);
      const p = yield* u.sys('socket', AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
      yield* u.sys('sendto', p, u.bytes(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 1)), 8, 0, sin(u, '10.0.2.2', 0), 16);
      yield* u.sys('recvfrom', p, u.alloc(64), 64, 0, 0, 0);
      const udp = yield* u.sys('socket', AF_INET, SOCK_DGRAM, 0);
      yield* u.sys('bind', udp, sin(u, '0.0.0.0', 5353), 16);
      const sv = u.alloc(8);
      yield* u.sys('socketpair', 1, SOCK_STREAM, 0, sv);
      const link = u.alloc(64);
      const n = yield* u.sys('readlinkat', -100, u.cstr(`/proc/self/fd/${u.i32(sv)}`), link, 64);
      files['fdlink'] = n > 0 ? u.text(link, n) : `readlink ${n}`;
      for (const f of ['/proc/net/dev', '/proc/net/route', '/proc/net/arp', '/proc/net/udp', '/proc/net/unix', '/sys/class/net/eth0/address',
        '/sys/class/net/eth0/operstate', '/sys/class/net/eth0/mtu', '/sys/class/net/lo/ifindex', '/sys/class/net/eth0/statistics/rx_packets']) {
        files[f] = yield* readFile(u, f);
      }
    }, { description: USER_NET_DESC });
    const dev = files['/proc/net/dev'].split('\n');
    expect(dev[0]).toBe('Inter-|   Receive                                                |  Transmit');
    expect(dev[2]).toMatch(/^ {4}lo: +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0$/);
    expect(dev[3]).toMatch(/^ {2}eth0: +\d+ +[1-9]\d* +0 +0 +0 +0 +0 +0 +\d+ +[1-9]\d* +0 +0 +0 +0 +0 +0$/);
    const route = files['/proc/net/route'].split('\n').map((l) => l.trimEnd());
    expect(route).toContain('eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0');
    expect(route).toContain('eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0');
    expect(files['/proc/net/arp']).toMatch(/^IP address {7}HW type {5}Flags {7}HW address {12}Mask {5}Device\n10\.0\.2\.2 {9}0x1 {9}0x2 {9}52:55:0a:00:02:02 {5}\* {8}eth0\n$/);
    expect(files['/proc/net/udp'].split('\n')[1]).toMatch(/^ {4}\d: 00000000:14E9 00000000:0000 07 /);
    expect(files['/proc/net/unix'].split('\n').slice(1, 3).every((l) => / 00000002 00000000 00000000 0001 03 +\d+$/.test(l))).toBe(true);
    const ino = /^socket:\[(\d+)\]$/.exec(files['fdlink'])?.[1];
    expect(ino).toBeDefined();
    expect(files['/proc/net/unix']).toMatch(new RegExp(` 0001 03 +${ino}\n`));
    expect(files['/sys/class/net/eth0/address']).toBe('52:54:00:12:34:56\n');
    expect(files['/sys/class/net/eth0/operstate']).toBe('up\n');
    expect(files['/sys/class/net/eth0/mtu']).toBe('1500\n');
    expect(files['/sys/class/net/lo/ifindex']).toBe('1\n');
    expect(Number(files['/sys/class/net/eth0/statistics/rx_packets'])).toBeGreaterThan(0);
  });
});
