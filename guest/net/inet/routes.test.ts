import { describe, it, expect } from 'vitest';
import { RouteTable } from './routes';
import { ipv4 } from '../wire/bytes';

describe('RouteTable', () => {
  it('picks the longest prefix, then the lowest metric, and honours a bound interface', () => {
    const t = new RouteTable();
    expect(t.add({ dest: 0, prefixLen: 0, gateway: ipv4('10.0.2.2'), ifname: 'eth0', metric: 0 })).toBe(0);
    expect(t.add({ dest: ipv4('10.0.2.0'), prefixLen: 24, gateway: 0, ifname: 'eth0', metric: 0 })).toBe(0);
    expect(t.add({ dest: ipv4('10.0.0.0'), prefixLen: 8, gateway: 0, ifname: 'eth1', metric: 5 })).toBe(0);
    expect(t.add({ dest: ipv4('10.0.0.0'), prefixLen: 8, gateway: 0, ifname: 'eth2', metric: 1 })).toBe(0);
    expect(t.lookup(ipv4('10.0.2.9'))?.ifname).toBe('eth0');
    expect(t.lookup(ipv4('10.9.9.9'))?.ifname).toBe('eth2');
    expect(t.lookup(ipv4('10.9.9.9'), 'eth1')?.ifname).toBe('eth1');
    expect(t.lookup(ipv4('8.8.8.8'))?.gateway).toBe(ipv4('10.0.2.2'));
    expect(t.lookup(ipv4('8.8.8.8'), 'eth1')).toBeUndefined();
  });

  it('masks the destination, refuses duplicates and bad prefixes, removes with ESRCH when absent', () => {
    const t = new RouteTable();
    expect(t.add({ dest: ipv4('192.168.1.77'), prefixLen: 24, gateway: 0, ifname: 'eth0', metric: 0 })).toBe(0);
    expect(t.list()[0].dest).toBe(ipv4('192.168.1.0'));
    expect(t.add({ dest: ipv4('192.168.1.0'), prefixLen: 24, gateway: 0, ifname: 'eth0', metric: 0 })).toBe(-17);
    expect(t.add({ dest: 0, prefixLen: 33, gateway: 0, ifname: 'eth0', metric: 0 })).toBe(-22);
    expect(t.remove({ dest: ipv4('192.168.2.0'), prefixLen: 24, gateway: 0, ifname: '', metric: 0 })).toBe(-3);
    expect(t.remove({ dest: ipv4('192.168.1.0'), prefixLen: 24, gateway: 0, ifname: '', metric: 0 })).toBe(0);
    expect(t.list()).toEqual([]);
  });
});
