import { describe, it, expect } from 'vitest';
import { DNS_TYPE_A, DNS_TYPE_CNAME, parseDns } from '../../net/wire/dns';
import type { DnsRecord } from '../../net/wire/dns';
import { addressesIn, dnsQuery, hostsLookup, parseHosts, parseResolvConf } from './resolver';

describe('resolver files', () => {
  it('reads /etc/hosts with aliases and comments, skipping IPv6 lines', () => {
    const h = parseHosts('127.0.0.1\tlocalhost loopback # the usual\n::1 localhost6\n# x\n10.0.2.2 gw.example Gateway\nbad\n');
    expect(h).toEqual([{ addr: 0x7f000001, names: ['localhost', 'loopback'] }, { addr: 0x0a000202, names: ['gw.example', 'Gateway'] }]);
    expect(hostsLookup(h, 'GATEWAY')).toBe(0x0a000202);
    expect(hostsLookup(h, 'localhost6')).toBeUndefined();
  });

  it('reads resolv.conf nameservers (at most 3) and search; none means 127.0.0.1', () => {
    const c = parseResolvConf('# x\nsearch a.test b.test\nnameserver 10.0.2.3\nnameserver fe80::1\nnameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n');
    expect(c.nameservers).toEqual([0x0a000203, 0x01010101, 0x02020202]);
    expect(c.search).toEqual(['a.test', 'b.test']);
    expect(parseResolvConf('').nameservers).toEqual([0x7f000001]);
  });
});

describe('DNS messages', () => {
  it('builds a recursive A query that parses back', () => {
    const q = parseDns(dnsQuery(0x1234, 'example.com.', DNS_TYPE_A));
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    expect(q.value.id).toBe(0x1234);
    expect(q.value.recursionDesired).toBe(true);
    expect(q.value.questions).toEqual([{ name: 'example.com', type: 1, class: 1 }]);
  });

  it('follows CNAMEs inside the answer section', () => {
    const answers: DnsRecord[] = [
      { name: 'www.example.com', class: 1, ttlS: 60, data: { type: DNS_TYPE_CNAME, target: 'example.com' } },
      { name: 'example.com', class: 1, ttlS: 60, data: { type: DNS_TYPE_A, address: 0x5db8d822 } },
      { name: 'other', class: 1, ttlS: 60, data: { type: DNS_TYPE_A, address: 1 } },
    ];
    expect(addressesIn(answers, 'WWW.example.com')).toEqual([0x5db8d822]);
    expect(addressesIn(answers, 'none')).toEqual([]);
  });
});
