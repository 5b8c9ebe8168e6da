import { describe, it, expect } from 'vitest';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { EthernetHub } from '../../../devices/net/link';
import { UserNetwork } from '../../../devices/net/user/network';
import { PcapWriter } from '../../../devices/net/pcap';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from '../socket';
import { ipv4 } from '../wire/bytes';
import { BOOTREQUEST, DHCP_FLAG_BROADCAST, emitDhcp, parseDhcp } from '../wire/dhcp';
import { emitIcmpv4, parseIcmpv4 } from '../wire/icmpv4';
import { decodeFrame } from '../wire/frame';
import { intOpt, IPPROTO_ICMP, SO_BINDTODEVICE, SO_BROADCAST, SOL_SOCKET } from './consts';
import { Ipv4Stack } from './stack';
import { asRecv, asSocket, HubNetDevice, runUntilDone } from './testing';

const GW = ipv4('10.0.2.2');
const WEB = ipv4('93.184.216.34');
const PAGE = '<html><body>Hello from twinbox</body></html>\n';
const MAC = '52:54:00:12:34:56';

function userNet(seed = 5): { sched: EventScheduler; stack: Ipv4Stack; hub: EthernetHub; pcap: PcapWriter } {
  const sched = new EventScheduler();
  const root = new Prng(seed);
  const hub = new EthernetHub('user0', sched, root.fork('hub'));
  const pcap = new PcapWriter(true);
  hub.addTap((t, f) => pcap.add(t, f));
  new UserNetwork(sched, root.fork('user'), { dns: { 'example.com': '93.184.216.34' }, hosts: [{ ip: '93.184.216.34', udpEchoPorts: [7], http: { port: 80, pages: { '/': PAGE } } }] }).attach(hub);
  const stack = new Ipv4Stack({ scheduler: sched, prng: root.fork('guest') });
  stack.addDevice(new HubNetDevice('eth0', MAC, hub, 'guest'));
  stack.setUp('eth0', true);
  return { sched, stack, hub, pcap };
}

function configure(stack: Ipv4Stack): void {
  expect(stack.addAddress('eth0', { addr: ipv4('10.0.2.15'), prefixLen: 24 })).toBe(0);
  expect(stack.addRoute({ dest: 0, prefixLen: 0, gateway: GW, ifname: 'eth0', metric: 0 })).toBe(0);
}

describe('the stack on the built-in user network', () => {
  it('runs DHCP over a UDP socket on port 68 with SO_BROADCAST and SO_BINDTODEVICE before it has an address', () => {
    const { sched, stack } = userNet();
    const s = asSocket(stack.createSocket(SOCK_DGRAM, 0));
    expect(s.setOption(SOL_SOCKET, SO_BROADCAST, intOpt(1))).toBe(0);
    expect(s.setOption(SOL_SOCKET, SO_BINDTODEVICE, new TextEncoder().encode('eth0\0'))).toBe(0);
    expect(s.bind({ family: AF_INET, addr: 0, port: 68 })).toBe(0);
    const discover = emitDhcp({ op: BOOTREQUEST, hops: 0, xid: 0x1234, secs: 0, flags: DHCP_FLAG_BROADCAST, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: MAC, options: { messageType: 1, parameterList: [1, 3, 6], other: [] } });
    expect(s.send(discover, 0, { family: AF_INET, addr: 0xffffffff, port: 67 }, false)).toBe(discover.length);
    const r = asRecv(runUntilDone(sched, () => s.recv(1500, 0, false), 5e9));
    const offer = parseDhcp(r.data);
    expect(offer.ok && offer.value.options.messageType).toBe(2);
    expect(offer.ok && offer.value.yiaddr).toBe(ipv4('10.0.2.15'));
  });

  it('a broadcast without SO_BROADCAST is EACCES, and without a route ENETUNREACH', () => {
    const { stack } = userNet();
    const s = asSocket(stack.createSocket(SOCK_DGRAM, 0));
    expect(s.send(new Uint8Array(1), 0, { family: AF_INET, addr: ipv4('8.8.8.8'), port: 53 }, false)).toBe(-101);
    s.setOption(SOL_SOCKET, SO_BINDTODEVICE, new TextEncoder().encode('eth0'));
    expect(s.send(new Uint8Array(1), 0, { family: AF_INET, addr: 0xffffffff, port: 67 }, false)).toBe(-13);
  });

  it('pings the gateway and a simulated host behind it', () => {
    const { sched, stack } = userNet();
    configure(stack);
    const ping = asSocket(stack.createSocket(SOCK_DGRAM, IPPROTO_ICMP));
    for (const [i, dst] of [GW, WEB].entries()) {
      ping.send(emitIcmpv4({ kind: 'echoRequest', ident: 0, seq: i, data: new Uint8Array(56) }), 0, { family: AF_INET, addr: dst, port: 0 }, false);
      const r = asRecv(runUntilDone(sched, () => ping.recv(1500, 0, false), 5e9));
      const m = parseIcmpv4(r.data);
      expect(m.ok && m.value.kind === 'echoReply' && m.value.seq).toBe(i);
      expect(r.from).toEqual({ family: AF_INET, addr: dst, port: 0 });
    }
    expect(stack.arpTable()).toEqual([{ addr: GW, mac: '52:55:0a:00:02:02', ifname: 'eth0', complete: true }]);
  });

  it('echoes UDP through the gateway and fetches a page over TCP from the HTTP responder', () => {
    const { sched, stack, pcap } = userNet();
    configure(stack);
    const u = asSocket(stack.createSocket(SOCK_DGRAM, 0));
    u.send(new TextEncoder().encode('echo me'), 0, { family: AF_INET, addr: WEB, port: 7 }, false);
    expect(new TextDecoder().decode(asRecv(runUntilDone(sched, () => u.recv(100, 0, false), 5e9)).data)).toBe('echo me');
    const c = asSocket(stack.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(sched, () => c.connect({ family: AF_INET, addr: WEB, port: 80 }, false), 10e9)).toBe(0);
    c.send(new TextEncoder().encode('GET / HTTP/1.0\r\nHost: example.com\r\n\r\n'), 0, undefined, false);
    let body = '';
    for (;;) {
      const r = asRecv(runUntilDone(sched, () => c.recv(4096, 0, false), 10e9));
      if (r.data.length === 0) break;
      body += new TextDecoder().decode(r.data);
    }
    c.close();
    sched.runUntil(sched.now + 5e9);
    expect(body).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\n/);
    expect(body.endsWith(PAGE)).toBe(true);
    // Every frame on the wire decodes (checksums included).
    expect(pcap.frames).toBeGreaterThan(10);
    expect(stack.counters.tcpRetransSegs).toBe(0);
  });

  it('gets a port unreachable from the gateway for a closed UDP port on a simulated host', () => {
    const { sched, stack, hub } = userNet();
    configure(stack);
    const bad: string[] = [];
    hub.addTap((_t, f) => {
      const d = decodeFrame(f);
      if (!d.ok) bad.push(d.error);
    });
    const u = asSocket(stack.createSocket(SOCK_DGRAM, 0));
    expect(u.connect({ family: AF_INET, addr: WEB, port: 9 }, false)).toBe(0);
    u.send(new Uint8Array(4), 0, undefined, false);
    expect(runUntilDone(sched, () => u.recv(100, 0, false), 5e9)).toBe(-111);
    expect(bad).toEqual([]);
  });
});

describe('a device-bound UDP socket after configuration', () => {
  it('sends from the interface address once it has one (a DHCP renew)', () => {
    const { sched, stack, hub } = userNet();
    const srcs: number[] = [];
    hub.addTap((_t, f, from) => {
      const d = decodeFrame(f);
      if (from === 'guest' && d.ok && d.value.kind === 'udp') srcs.push(d.value.ip.src);
    });
    const s = asSocket(stack.createSocket(SOCK_DGRAM, 0));
    s.setOption(SOL_SOCKET, SO_BROADCAST, intOpt(1));
    s.setOption(SOL_SOCKET, SO_BINDTODEVICE, new TextEncoder().encode('eth0'));
    s.bind({ family: AF_INET, addr: 0, port: 68 });
    s.send(new Uint8Array(300), 0, { family: AF_INET, addr: 0xffffffff, port: 67 }, false);
    configure(stack);
    s.send(new Uint8Array(300), 0, { family: AF_INET, addr: GW, port: 67 }, false);
    sched.runUntil(sched.now + 1e9);
    expect(srcs).toEqual([0, ipv4('10.0.2.15')]);
  });
});
