// The pure pieces of the network applets: BusyBox 1.35's output formats (checked against the
// real applets, see net-tools.oracle.test.ts) and the wire/file parsers, which never throw.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dechunk, headEnd, httpRequest, parseHttpUrl, parseResponseHead, progressLine } from './http';
import { errorPage, mapPath, parseRequestLine } from './httpd';
import { formatInterface, parseProcNetDev, scaledBytes } from './ifconfig';
import { formatAddr, formatLink, formatRoute, linkFlags, parsePrefix } from './ip';
import { formatIpv6, formatReply, reverseName, serverHeader } from './nslookup';
import { decodeReply, formatMs, replyLine, summary } from './ping';
import { formatRouteTable, parseProcNetRoute, parseRouteArgs } from './route';
import { emitMessage, ifinfomsg, inAttr, parseAttrs, parseLink, parseMessages, RTM, IFLA, u32Attr, emitAttr } from './rtnetlink';
import { clientMessage, leaseFrom, resolvConf } from './udhcpc';
import { parseDhcp } from '../../../net/wire/dhcp';
import { emitIcmpv4 } from '../../../net/wire/icmpv4';
import { emitIpv4, simpleIpv4 } from '../../../net/wire/ipv4';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('ping output', () => {
  it('formats round trips and the statistics block like BusyBox', () => {
    expect(formatMs(421)).toBe('0.421');
    expect(formatMs(12_345)).toBe('12.345');
    expect(replyLine(64, 0x7f000001, 3, 64, 101, false)).toBe('64 bytes from 127.0.0.1: seq=3 ttl=64 time=0.101 ms\n');
    expect(replyLine(64, 0x7f000001, 3, 64, 101, true)).toBe('64 bytes from 127.0.0.1: seq=3 ttl=64 time=0.101 ms (DUP!)\n');
    expect(summary('127.0.0.1', { transmitted: 2, received: 2, duplicates: 0, rttUs: [421, 101] })).toBe(
      '\n--- 127.0.0.1 ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.101/0.261/0.421 ms\n');
    expect(summary('h', { transmitted: 3, received: 1, duplicates: 1, rttUs: [1000, 1000] })).toContain('3 packets transmitted, 1 packets received, 1 duplicates, 66% packet loss\n');
    expect(summary('h', { transmitted: 1, received: 0, duplicates: 0, rttUs: [] })).not.toContain('round-trip');
  });

  it('takes only echo replies with our identifier out of raw datagrams', () => {
    const reply = emitIcmpv4({ kind: 'echoReply', ident: 7, seq: 2, data: new Uint8Array(56) });
    const dgram = emitIpv4({ ...simpleIpv4(0x0a000202, 0x0a00020f, 1, reply), ttl: 255 });
    expect(decodeReply(dgram, 7)).toEqual({ from: 0x0a000202, ttl: 255, seq: 2, bytes: 64 });
    expect(decodeReply(dgram, 8)).toBeUndefined();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => { decodeReply(b, 1); }));
  });
});

describe('wget pieces', () => {
  it('splits URLs and builds BusyBox wget\'s request', () => {
    expect(parseHttpUrl('http://example.com')).toEqual({ authority: 'example.com', host: 'example.com', port: 80, path: '/' });
    expect(parseHttpUrl('http://u:p@10.0.2.2:8080/a?b#c')).toEqual({ authority: '10.0.2.2:8080', host: '10.0.2.2', port: 8080, path: '/a?b' });
    expect(parseHttpUrl('https://x/')).toBeUndefined();
    expect(parseHttpUrl('http://:80/')).toBeUndefined();
    expect(httpRequest(parseHttpUrl('http://h:81/x')!)).toBe('GET /x HTTP/1.1\r\nHost: h:81\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n');
  });

  it('parses response heads and chunked bodies', () => {
    const b = new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n');
    const h = parseResponseHead(b);
    expect(typeof h).toBe('object');
    if (typeof h === 'string') return;
    expect([h.status, h.statusLine, h.headers.get('transfer-encoding')]).toEqual([200, 'HTTP/1.1 200 OK', 'chunked']);
    expect(text(dechunk(b.subarray(h.headBytes)) as Uint8Array)).toBe('abcde');
    expect(dechunk(new TextEncoder().encode('zz\r\n'))).toMatch(/bad chunk size/);
    expect(dechunk(new TextEncoder().encode('10\r\nabc'))).toBe('truncated chunk');
    expect(parseResponseHead(new TextEncoder().encode('garbage\r\n\r\n'))).toMatch(/bad status line/);
    expect(headEnd(new TextEncoder().encode('HTTP/1.0 200 OK\n\nx'))).toBe(17);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (x) => { parseResponseHead(x); dechunk(x); }));
  });

  it('prints the progress line with BusyBox\'s widths and units', () => {
    expect(progressLine('-', 25, 25, 0)).toBe('-                    100% |********************************|    25  0:00:00 ETA\n');
    expect(progressLine('null', 300000, 300000, 0)).toBe('null                 100% |********************************|  292k  0:00:00 ETA\n');
    expect(progressLine('null', 5000000, 5000000, 0)).toBe('null                 100% |********************************| 4882k  0:00:00 ETA\n');
    expect(progressLine('null', 99999, 99999, 0)).toBe('null                 100% |********************************| 99999  0:00:00 ETA\n');
  });
});

describe('httpd pieces', () => {
  it('maps URL paths under home and refuses to climb out', () => {
    expect(mapPath('/www/', '/a/./b%20c?x')).toBe('/www/a/b c');
    expect(mapPath('/www', '/../etc/passwd')).toBeUndefined();
    expect(mapPath('/www', 'noslash')).toBeUndefined();
    expect(mapPath('/www', '/%zz')).toBeUndefined();
    expect(parseRequestLine('GET /x HTTP/1.1\r\nHost: h\r\n')).toEqual({ method: 'GET', path: '/x' });
    expect(parseRequestLine('BLAH')).toBeUndefined();
    expect(text(errorPage(404, 'Not Found', 'The requested URL was not found'))).toMatch(/^HTTP\/1\.0 404 Not Found\r\n[\s\S]*<H1>404 Not Found<\/H1>/);
  });
});

describe('nslookup output', () => {
  it('prints BusyBox\'s header, answers, PTR names and errors', () => {
    expect(serverHeader(0x0a000203)).toBe('Server:\t\t10.0.2.3\nAddress:\t10.0.2.3:53\n\n');
    const base = { id: 1, response: true, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: true, questions: [], authorities: [], additionals: [] };
    expect(formatReply('x', { ...base, rcode: 3, answers: [] })).toBe("** server can't find x: NXDOMAIN\n\n");
    expect(formatReply('x', { ...base, rcode: 0, answers: [{ name: 'x', class: 1, ttlS: 1, data: { type: 1, address: 0x01020304 } }] })).toBe('Non-authoritative answer:\nName:\tx\nAddress: 1.2.3.4\n\n');
    expect(formatReply('x', { ...base, authoritative: true, rcode: 0, answers: [{ name: 'r', class: 1, ttlS: 1, data: { type: 12, target: 'x.y' } }] })).toBe('r\tname = x.y\n\n');
    expect(reverseName(0x5db8d822)).toBe('34.216.184.93.in-addr.arpa');
  });

  it('writes IPv6 addresses as inet_ntop does', () => {
    const v6 = (s: string) => new Uint8Array(s.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
    expect(formatIpv6(v6('2606:2800:220:1:248:1893:25c8:1946'))).toBe('2606:2800:220:1:248:1893:25c8:1946');
    expect(formatIpv6(v6('fe80:0:0:0:fc:ff:fe00:1'))).toBe('fe80::fc:ff:fe00:1');
    expect(formatIpv6(v6('0:0:0:0:0:0:0:1'))).toBe('::1');
    expect(formatIpv6(v6('1:0:2:0:0:3:0:0'))).toBe('1:0:2::3:0:0');
  });
});

describe('ifconfig and route output', () => {
  const dev = 'Inter-|   Receive |  Transmit\n face |bytes packets ...\n    lo: 5431646     461    0    0    0     0          0         0  5431646     461    0    0    0     0       0          0\n  eth0: 1180 2 0 1 0 0 0 0 4789895 3 0 0 0 0 0 0\n';
  it('reads /proc/net/dev and scales byte counts like print_bytes_scaled', () => {
    const c = parseProcNetDev(dev);
    expect([...c.keys()]).toEqual(['lo', 'eth0']);
    expect(c.get('eth0')).toMatchObject({ rxBytes: 1180, rxPackets: 2, rxDrop: 1, txBytes: 4789895, txPackets: 3 });
    expect([0, 1180, 4789895, 4281393513].map(scaledBytes)).toEqual(['0.0 B', '1.1 KiB', '4.5 MiB', '3.9 GiB']);
  });

  it('prints an interface block as BusyBox 1.35', () => {
    const c = parseProcNetDev(dev);
    expect(formatInterface({ name: 'lo', flags: 0x49, mac: '00:00:00:00:00:00', loopback: true, addr: 0x7f000001, netmask: 0xff000000, mtu: 65536, txqueuelen: 1000, counters: c.get('lo') })).toBe([
      'lo        Link encap:Local Loopback  ',
      '          inet addr:127.0.0.1  Mask:255.0.0.0',
      '          UP LOOPBACK RUNNING  MTU:65536  Metric:1',
      '          RX packets:461 errors:0 dropped:0 overruns:0 frame:0',
      '          TX packets:461 errors:0 dropped:0 overruns:0 carrier:0',
      '          collisions:0 txqueuelen:1000 ',
      '          RX bytes:5431646 (5.1 MiB)  TX bytes:5431646 (5.1 MiB)',
      '', '',
    ].join('\n'));
    expect(formatInterface({ name: 'eth0', flags: 0x1043, mac: '02:fc:00:00:00:01', loopback: false, addr: 0xc0000202, netmask: 0xffffff00, broadcast: 0xc00002ff, mtu: 1400, txqueuelen: 1000 }).split('\n').slice(0, 3)).toEqual([
      'eth0      Link encap:Ethernet  HWaddr 02:FC:00:00:00:01  ',
      '          inet addr:192.0.2.2  Bcast:192.0.2.255  Mask:255.255.255.0',
      '          UP BROADCAST RUNNING MULTICAST  MTU:1400  Metric:1',
    ]);
  });

  it('reads /proc/net/route and prints route -n\'s table', () => {
    const routes = parseProcNetRoute('Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n');
    expect(formatRouteTable(routes, true)).toBe([
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
      '0.0.0.0         192.0.2.1       0.0.0.0         UG    0      0        0 eth0',
      '192.0.2.0       0.0.0.0         255.255.255.0   U     0      0        0 eth0',
      '',
    ].join('\n'));
    expect(formatRouteTable(routes, false)).toContain('default         192.0.2.1       0.0.0.0         UG    0      0        0 eth0\n192.0.2.0       *    ');
  });

  it('parses route add/del arguments', () => {
    expect(parseRouteArgs(['default', 'gw', '10.0.2.2', 'dev', 'eth0'])).toEqual({ dest: 0, mask: 0, gateway: 0x0a000202, flags: 3, metric: 0, dev: 'eth0' });
    expect(parseRouteArgs(['-net', '10.0.0.0', 'netmask', '255.0.0.0', 'eth1'])).toMatchObject({ dest: 0x0a000000, mask: 0xff000000, flags: 1, dev: 'eth1' });
    expect(parseRouteArgs(['-host', '10.1.2.3', 'gw', '10.0.2.2'])).toMatchObject({ mask: 0xffffffff, flags: 7 });
    expect(parseRouteArgs(['nonsense'])).toMatch(/resolving/);
  });
});

describe('ip output and rtnetlink', () => {
  it('prints links, addresses and routes in BusyBox ip\'s format', () => {
    expect(linkFlags(0x1003 | 0x40 | 0x10000)).toBe('<BROADCAST,MULTICAST,UP,LOWER_UP>');
    expect(linkFlags(0x1003)).toBe('<NO-CARRIER,BROADCAST,MULTICAST,UP>');
    expect(formatLink({ index: 1, type: 772, flags: 0x10049, name: 'lo', mtu: 65536, qdisc: 'noqueue', txqlen: 1000, address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00' })).toBe(
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n');
    expect(formatAddr({ index: 4, prefixLen: 24, scope: 0, local: 0xc0000202, broadcast: 0xc00002ff, label: 'eth0' }, 'eth0')).toBe(
      '    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\n       valid_lft forever preferred_lft forever\n');
    const names = new Map([[4, 'eth0']]);
    expect(formatRoute({ dstLen: 0, table: 254, protocol: 3, scope: 0, type: 1, gateway: 0xc0000201, oif: 4 }, names)).toBe('default via 192.0.2.1 dev eth0 \n');
    expect(formatRoute({ dstLen: 24, table: 254, protocol: 2, scope: 253, type: 1, dst: 0xc0000200, oif: 4, prefsrc: 0xc0000202 }, names)).toBe('192.0.2.0/24 dev eth0 scope link  src 192.0.2.2 \n');
    expect(parsePrefix('10.0.0.0/8')).toEqual({ addr: 0x0a000000, prefixLen: 8 });
    expect(parsePrefix('10.0.0.0/33')).toBeUndefined();
  });

  it('netlink messages round-trip; garbage never throws', () => {
    const m = emitMessage(RTM.NEWLINK, 2, 9, ifinfomsg(2, 0x1003, 0), [emitAttr(IFLA.IFNAME, new TextEncoder().encode('eth0\0')), u32Attr(IFLA.MTU, 1500), inAttr(99, 1)]);
    const [parsed] = parseMessages(m);
    expect(parsed!.seq).toBe(9);
    expect(parseLink(parsed!)).toMatchObject({ index: 2, flags: 0x1003, name: 'eth0', mtu: 1500 });
    expect(parseAttrs(parsed!.payload.subarray(16)).size).toBe(3);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => { for (const x of parseMessages(b)) parseLink(x); parseAttrs(b); }));
  });
});

describe('udhcpc pieces', () => {
  it('builds DISCOVER/REQUEST and turns an ACK into a lease and resolv.conf', () => {
    const req = parseDhcp(clientMessage(3, 0x1234, '52:54:00:12:34:56', { requestedIp: 0x0a00020f, serverId: 0x0a000202 }));
    expect(req.ok).toBe(true);
    if (!req.ok) return;
    expect(req.value.options).toMatchObject({ messageType: 3, requestedIp: 0x0a00020f, serverId: 0x0a000202 });
    const lease = leaseFrom({ ...req.value, op: 2, yiaddr: 0x0a00020f, options: { messageType: 5, serverId: 0x0a000202, subnetMask: 0xffffff00, router: [0x0a000202], dns: [0x0a000203], leaseTimeS: 86400, other: [] } });
    expect(lease).toEqual({ ip: 0x0a00020f, server: 0x0a000202, mask: 0xffffff00, routers: [0x0a000202], dns: [0x0a000203], leaseS: 86400 });
    expect(resolvConf(lease)).toBe('nameserver 10.0.2.3\n');
  });
});
