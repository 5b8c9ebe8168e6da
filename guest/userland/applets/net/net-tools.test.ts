// The network applets on the real kernel and IPv4 stack, against the built-in user network.
import { describe, it, expect } from 'vitest';
import { runNetScript } from './testing';

const USER = {
  dns: { 'example.com': '93.184.216.34', 'multi.test': ['10.9.0.1', '10.9.0.2'] },
  hosts: [{ ip: '93.184.216.34', http: { port: 80, pages: { '/': '<!doctype html>\n<p>hi</p>\n' } } }],
};

function after(out: string, marker = 'Run /test-init as init process\n'): string {
  return out.slice(out.indexOf(marker) + marker.length).replace(/\[ *\d+\.\d+\] reboot: Power down\n?/, '');
}

describe('network applets on the simulated user network', () => {
  it('udhcpc runs DORA, configures eth0, the default route and resolv.conf', () => {
    const r = runNetScript('udhcpc -i eth0 -q; ip addr show eth0; cat /etc/resolv.conf; ip route; poweroff -f', { user: USER });
    expect(after(r.out)).toBe([
      'udhcpc: started, v1.35.0',
      'udhcpc: broadcasting discover',
      'udhcpc: broadcasting select for 10.0.2.15, server 10.0.2.2',
      'udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400',
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast qlen 1000',
      '    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
      '    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
      'nameserver 10.0.2.3',
      'default via 10.0.2.2 dev eth0 ',
      '10.0.2.0/24 dev eth0 scope link  src 10.0.2.15 ',
      '',
    ].join('\n'));
  });

  it('ping resolves a name through DNS and prints BusyBox lines and statistics', () => {
    const r = runNetScript('ping -c 2 example.com; echo rc=$?; poweroff -f', { user: USER, staticConfig: true });
    const out = after(r.out).replace(/time=\d+\.\d{3} ms/g, 'time=T ms').replace(/= [\d./]+ ms/, '= T ms');
    expect(out).toBe([
      'PING example.com (93.184.216.34): 56 data bytes',
      '64 bytes from 93.184.216.34: seq=0 ttl=64 time=T ms',
      '64 bytes from 93.184.216.34: seq=1 ttl=64 time=T ms',
      '',
      '--- example.com ping statistics ---',
      '2 packets transmitted, 2 packets received, 0% packet loss',
      'round-trip min/avg/max = T ms',
      'rc=0',
      '',
    ].join('\n'));
  });

  it('ping of an address nobody answers reports 100% loss and exits 1 after -W', () => {
    const r = runNetScript('ping -c 1 -W 2 10.0.2.99; echo rc=$?; poweroff -f', { user: USER, staticConfig: true });
    expect(after(r.out)).toBe('PING 10.0.2.99 (10.0.2.99): 56 data bytes\n\n--- 10.0.2.99 ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\nrc=1\n');
  });

  it('ping of an unknown name is a bad address', () => {
    const r = runNetScript('ping -c 1 nope.test; echo rc=$?; poweroff -f', { user: USER, staticConfig: true });
    expect(after(r.out)).toBe("ping: bad address 'nope.test'\nrc=1\n");
  });

  it('nslookup prints answers, several addresses, and NXDOMAIN like BusyBox', () => {
    const r = runNetScript('nslookup multi.test; nslookup nope.test; echo rc=$?; nslookup 93.184.216.34; poweroff -f', { user: USER, staticConfig: true });
    const head = 'Server:\t\t10.0.2.3\nAddress:\t10.0.2.3:53\n\n';
    expect(after(r.out)).toBe(
      `${head}Non-authoritative answer:\nName:\tmulti.test\nAddress: 10.9.0.1\nName:\tmulti.test\nAddress: 10.9.0.2\n\nNon-authoritative answer:\n\n` +
      `${head}** server can't find nope.test: NXDOMAIN\n\n** server can't find nope.test: NXDOMAIN\n\nrc=1\n` +
      `${head}Non-authoritative answer:\n34.216.184.93.in-addr.arpa\tname = example.com\n\n`,
    );
  });

  it('wget fetches the simulated host page to stdout and to a file', () => {
    const r = runNetScript('wget -O - http://example.com/ 2>/dev/null | head -n 1; wget http://example.com/; cat index.html; poweroff -f', { user: USER, staticConfig: true });
    expect(after(r.out)).toBe([
      '<!doctype html>',
      'Connecting to example.com (93.184.216.34:80)',
      "saving to 'index.html'",
      'index.html           100% |********************************|    26  0:00:00 ETA',
      "'index.html' saved",
      '<!doctype html>',
      '<p>hi</p>',
      '',
    ].join('\n'));
  });

  it('wget reports HTTP errors and refused connections', () => {
    const r = runNetScript('wget -q -O - http://example.com/missing; echo rc=$?; wget -O - http://10.0.2.15:81/; echo rc=$?; poweroff -f', { user: USER, staticConfig: true });
    expect(after(r.out)).toBe([
      'wget: server returned error: HTTP/1.0 404 Not Found',
      'rc=1',
      'Connecting to 10.0.2.15:81 (10.0.2.15:81)',
      "wget: can't connect to remote host (10.0.2.15): Connection refused",
      'rc=1',
      '',
    ].join('\n'));
  });

  it('nc echoes over loopback (the seed socket test) and httpd serves a file to wget', () => {
    const r = runNetScript("nc -l -p 1234 & sleep 1; echo 'test' | nc 127.0.0.1 1234; mkdir /www; echo '<h1>x</h1>' > /www/index.html; httpd -p 8080 -h /www; wget -q -O - http://127.0.0.1:8080/; poweroff -f", { user: USER, staticConfig: true });
    expect(after(r.out)).toBe('test\n<h1>x</h1>\n');
  });

  it('ip link set, ip addr add/del and ip route add/del change the stack', () => {
    const r = runNetScript('ip link set eth0 up; ip addr add 192.168.7.2/24 dev eth0; ip route add 10.50.0.0/16 via 192.168.7.1; ip route; ip addr del 192.168.7.2/24 dev eth0; ip addr show eth0; ip link set nope up; echo rc=$?; poweroff -f', { user: USER });
    const out = after(r.out);
    expect(out).toContain('192.168.7.0/24 dev eth0 scope link  src 192.168.7.2 \n');
    expect(out).toContain('10.50.0.0/16 via 192.168.7.1 dev eth0 \n');
    expect(out).toContain('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\nip: can\'t find device \'nope\'\nrc=1\n');
  });

  it('ifconfig configures and shows an interface; route adds a default route', () => {
    const r = runNetScript('ifconfig eth0 10.0.2.20 netmask 255.255.255.0 up; route add default gw 10.0.2.2; ifconfig eth0; ping -c 1 10.0.2.2 >/dev/null; echo rc=$?; ifconfig nope; echo rc=$?; poweroff -f', { user: USER });
    const out = after(r.out);
    expect(out.startsWith('eth0      Link encap:Ethernet  HWaddr 52:54:00:12:34:56  \n          inet addr:10.0.2.20  Bcast:10.0.2.255  Mask:255.255.255.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n')).toBe(true);
    expect(out).toContain('rc=0\nifconfig: nope: error fetching interface information: Device not found\nrc=1\n');
  });

  it('route -n and route read /proc/net/route', () => {
    const r = runNetScript('mount -t proc proc /proc; route -n; route; poweroff -f', { user: USER, staticConfig: true });
    expect(after(r.out)).toBe([
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
      '0.0.0.0         10.0.2.2        0.0.0.0         UG    0      0        0 eth0',
      '10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0',
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
      'default         10.0.2.2        0.0.0.0         UG    0      0        0 eth0',
      '10.0.2.0        *               255.255.255.0   U     0      0        0 eth0',
      '',
    ].join('\n'));
  });
});
