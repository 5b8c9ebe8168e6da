// fast-check generators of wire Repr values, for parse(emit(x)) = x property tests.

import fc from 'fast-check';
import type { Mac } from '../bytes';
import type { ArpRepr } from '../arp';
import type { DhcpRepr } from '../dhcp';
import type { DnsRecord, DnsRecordData, DnsRepr } from '../dns';
import type { Icmpv4Repr } from '../icmpv4';
import type { Ipv4Repr } from '../ipv4';
import type { TcpRepr } from '../tcp';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const bytes = (maxLength = 64): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
export const mac: fc.Arbitrary<Mac> = fc
  .array(u8, { minLength: 6, maxLength: 6 })
  .map((a) => a.map((x) => x.toString(16).padStart(2, '0')).join(':'));

export const arpRepr: fc.Arbitrary<ArpRepr> = fc.record({ operation: fc.constantFrom(1, 2), senderMac: mac, senderIp: u32, targetMac: mac, targetIp: u32 });

export const ipv4Repr: fc.Arbitrary<Ipv4Repr> = fc.record({
  tos: u8,
  ident: u16,
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffsetBytes: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
  ttl: u8,
  protocol: u8,
  src: u32,
  dst: u32,
  options: fc.integer({ min: 0, max: 10 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
  payload: bytes(200),
});

export const icmpRepr: fc.Arbitrary<Icmpv4Repr> = fc.oneof(
  fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), ident: u16, seq: u16, data: bytes() }),
  fc.record({ kind: fc.constant('destUnreachable' as const), code: fc.integer({ min: 0, max: 15 }), nextHopMtu: u16, original: bytes() }),
  fc.record({ kind: fc.constant('timeExceeded' as const), code: fc.integer({ min: 0, max: 1 }), original: bytes() }),
  fc.record({ kind: fc.constant('other' as const), type: fc.constantFrom(5, 13, 14, 42), code: u8, rest: u32, data: bytes() }),
);

export const tcpRepr: fc.Arbitrary<TcpRepr> = fc.record({
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  flags: u8,
  window: u16,
  urgent: u16,
  options: fc.record(
    {
      mss: u16,
      windowScale: fc.integer({ min: 0, max: 14 }),
      sackPermitted: fc.constant(true),
      timestamp: fc.record({ value: u32, echo: u32 }),
      sackBlocks: fc.array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 1 }),
    },
    { requiredKeys: [] },
  ),
  payload: bytes(100),
});

const ipList = fc.array(u32, { minLength: 1, maxLength: 3 });
export const dhcpRepr: fc.Arbitrary<DhcpRepr> = fc.record({
  op: fc.constantFrom(1, 2),
  hops: u8,
  xid: u32,
  secs: u16,
  flags: fc.constantFrom(0, 0x8000),
  ciaddr: u32,
  yiaddr: u32,
  siaddr: u32,
  giaddr: u32,
  chaddr: mac,
  options: fc.record(
    {
      messageType: fc.integer({ min: 1, max: 8 }),
      subnetMask: u32,
      router: ipList,
      dns: ipList,
      hostname: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      requestedIp: u32,
      leaseTimeS: u32,
      serverId: u32,
      parameterList: fc.array(fc.integer({ min: 1, max: 254 }), { maxLength: 10 }),
      other: fc.array(fc.record({ code: fc.constantFrom(15, 28, 42, 60, 61, 119), data: bytes(20) })),
    },
    { requiredKeys: ['other'] },
  ),
});

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
export const dnsName = fc.array(label, { minLength: 0, maxLength: 4 }).map((l) => l.join('.'));

const dnsRecord: fc.Arbitrary<DnsRecord> = fc.record({
  name: dnsName,
  class: fc.constant(1),
  ttlS: u32,
  data: fc.oneof(
    u32.map((address): DnsRecordData => ({ type: 1, address })),
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((address): DnsRecordData => ({ type: 28, address })),
    fc.tuple(fc.constantFrom(5 as const, 12 as const), dnsName).map(([type, target]): DnsRecordData => ({ type, target })),
    fc.tuple(fc.constantFrom(16, 99), bytes(30)).map(([type, raw]): DnsRecordData => ({ type, raw })),
  ),
});

export const dnsRepr: fc.Arbitrary<DnsRepr> = fc.record({
  id: u16,
  response: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 5 }),
  authoritative: fc.boolean(),
  truncated: fc.boolean(),
  recursionDesired: fc.boolean(),
  recursionAvailable: fc.boolean(),
  rcode: fc.integer({ min: 0, max: 5 }),
  questions: fc.array(fc.record({ name: dnsName, type: fc.constantFrom(1, 28, 12, 255), class: fc.constant(1) }), { maxLength: 3 }),
  answers: fc.array(dnsRecord, { maxLength: 4 }),
  authorities: fc.array(dnsRecord, { maxLength: 2 }),
  additionals: fc.array(dnsRecord, { maxLength: 2 }),
});
