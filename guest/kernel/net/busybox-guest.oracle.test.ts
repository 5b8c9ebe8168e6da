// Real BusyBox 1.35 (static arm64 ELF, through the CPU interpreter) configuring the network of a
// booted guest on `-netdev user`: ifconfig and route (ioctls), ip addr/route (rtnetlink), ping
// (a raw ICMP socket) to the gateway, wget over TCP from the simulated HTTP host, /proc/net/dev,
// ip neigh (RTM_GETNEIGH) and arp (/proc/net/arp).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetPaths } from '../../../tools/assets/fetch';
import { bootMachine } from '../../testing/machine';
import { emitCpio } from '../../fs/cpio';
import { HOST, USER_NET_DESC } from './testing';

const BUSYBOX = process.env['TWINBOX_BUSYBOX_AARCH64'] ?? join(assetPaths('aarch64').dir, 'busybox');
const APPLETS = ['sh', 'cat', 'mount', 'poweroff', 'ifconfig', 'route', 'ip', 'ping', 'wget', 'echo', 'arp'];

function initramfs(): Uint8Array {
  const dir = (name: string) => ({ name, mode: 0o40755, data: new Uint8Array(0) });
  return emitCpio([
    dir('bin'), dir('proc'), dir('dev'), dir('tmp'),
    { name: 'bin/busybox', mode: 0o100755, data: new Uint8Array(readFileSync(BUSYBOX)) },
    ...APPLETS.map((a) => ({ name: `bin/${a}`, mode: 0o120777, data: new TextEncoder().encode('busybox') })),
  ]);
}

describe('BusyBox network tools on the kernel', () => {
  it('has the binary from `twinbox assets fetch`', () => {
    expect(existsSync(BUSYBOX), BUSYBOX).toBe(true);
  });

  it('configures eth0, pings the gateway and fetches a page', () => {
    const r = bootMachine({
      type: 'virt', initrd: initramfs(), description: { ...USER_NET_DESC, append: 'console=ttyAMA0 rdinit=/bin/sh' },
      input: [
        'mount -t proc proc /proc\n', 'ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up\n', 'route add default gw 10.0.2.2\n',
        'ip addr show eth0\n', 'ip route\n', 'ping -c 2 10.0.2.2\n', `wget -q -O - http://${HOST}/\n`, 'cat /proc/net/dev\n', 'ifconfig eth0\n', 'ip neigh\n', 'arp -n\n', 'poweroff -f\n',
      ],
      untilNs: 60e9,
    });
    const out = r.output.replace(/\x1b\[6n/g, '').replace(/\r/g, '');
    expect(out).toMatch(/2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast qlen 1000\n {4}link\/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n {4}inet 10\.0\.2\.15\/24 brd 10\.0\.2\.255 scope global eth0\n {7}valid_lft forever preferred_lft forever\n/);
    expect(out).toMatch(/ip route\ndefault via 10\.0\.2\.2 dev eth0 \n10\.0\.2\.0\/24 dev eth0 scope link {2}src 10\.0\.2\.15 \n/);
    expect(out).toMatch(/PING 10\.0\.2\.2 \(10\.0\.2\.2\): 56 data bytes\n64 bytes from 10\.0\.2\.2: seq=0 ttl=\d+ time=[\d.]+ ms\n64 bytes from 10\.0\.2\.2: seq=1/);
    expect(out).toContain('2 packets transmitted, 2 packets received, 0% packet loss');
    expect(out).toContain('<html>twinbox</html>');
    expect(out).toMatch(/ {2}eth0: +\d+ +[1-9]/);
    expect(out).toMatch(/ifconfig eth0\neth0 {6}Link encap:Ethernet {2}HWaddr 52:54:00:12:34:56 {2}\n {10}inet addr:10\.0\.2\.15 {2}Bcast:10\.0\.2\.255 {2}Mask:255\.255\.255\.0\n {10}UP BROADCAST RUNNING MULTICAST {2}MTU:1500 {2}Metric:1\n/);
    expect(out).toMatch(/ip neigh\n10\.0\.2\.2 dev eth0 lladdr 52:55:0a:00:02:02 .*REACHABLE\n/);
    expect(out).toContain('arp -n\n? (10.0.2.2) at 52:55:0a:00:02:02 [ether]  on eth0\n');
    expect(r.stop).toBe('powered-off');
  });
});
