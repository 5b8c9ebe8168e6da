// The pure parse/emit functions under the socket calls: sockaddr, msghdr and control messages,
// netlink framing and rtnetlink requests. Literal byte layouts from the Linux headers, round
// trips, and random bytes that must never throw.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { emitSockaddr, parseSockaddr } from './sockaddr';
import { emitControl, parseControl, parseMsgHdr, MSGHDR_BYTES } from './msghdr';
import { classfulPrefix, maskToPrefix, prefixToMask } from './ifreq';
import { EINVAL } from '../errno';
import { EAFNOSUPPORT } from './errno-net';
import { AF_INET, AF_NETLINK, AF_UNIX, type IpStack } from '../../net/socket';
import {
  emitMessage, parseAttrs, parseMessages, strAttr, u32Attr, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
  RTM_GETADDR, RTM_GETLINK, RTM_GETNEIGH, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, IFLA_IFNAME, IFLA_MTU, emitIfInfo, emitIfAddr, inAttr, IFA_LOCAL,
} from '../../net/netlink/codec';
import { handleRtnl } from '../../net/netlink/rtnetlink';
import { FakeIpStack } from '../../net/netlink/testing';

describe('struct sockaddr', () => {
  it('decodes sockaddr_in with big-endian port and address', () => {
    const b = Uint8Array.of(2, 0, 0x1f, 0x90, 10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(parseSockaddr(b, AF_INET)).toEqual({ family: AF_INET, addr: 0x0a00020f, port: 8080 });
    expect(emitSockaddr({ family: AF_INET, addr: 0x0a00020f, port: 8080 })).toEqual(b);
    expect(parseSockaddr(b.subarray(0, 15), AF_INET)).toBe(-EINVAL);
    expect(parseSockaddr(Uint8Array.of(1, 0, ...new Array(14).fill(0)), AF_INET)).toBe(-EAFNOSUPPORT);
    expect(parseSockaddr(Uint8Array.of(0, 0, ...new Array(14).fill(0)), AF_INET)).toEqual({ family: 0 });
    expect(parseSockaddr(Uint8Array.of(0, 0, 0, 53, ...new Array(12).fill(0)), AF_INET, true)).toEqual({ family: AF_INET, addr: 0, port: 53 });
    expect(parseSockaddr(Uint8Array.of(0, 0, 0, 53, 10, 0, 0, 1, ...new Array(8).fill(0)), AF_INET, true)).toBe(-EAFNOSUPPORT);
  });

  it('decodes sockaddr_un paths, abstract names and the unnamed address', () => {
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    expect(parseSockaddr(Uint8Array.of(1, 0, ...enc('/run/x'), 0, 9, 9), AF_UNIX)).toEqual({ family: AF_UNIX, path: '/run/x', abstract: false });
    expect(parseSockaddr(Uint8Array.of(1, 0, 0, ...enc('ab'), 0), AF_UNIX)).toEqual({ family: AF_UNIX, path: 'ab\0', abstract: true });
    expect(parseSockaddr(Uint8Array.of(1, 0), AF_UNIX)).toEqual({ family: AF_UNIX, path: '', abstract: false });
    expect(parseSockaddr(new Uint8Array(111).fill(1), AF_UNIX)).toBe(-EINVAL);
    expect(emitSockaddr({ family: AF_UNIX, path: '/run/x', abstract: false })).toEqual(Uint8Array.of(1, 0, ...enc('/run/x'), 0));
    expect(emitSockaddr({ family: AF_UNIX, path: 'ab', abstract: true })).toEqual(Uint8Array.of(1, 0, 0, ...enc('ab')));
  });

  it('decodes sockaddr_nl', () => {
    const b = Uint8Array.of(16, 0, 0, 0, 0x39, 0x30, 0, 0, 1, 0, 0, 0);
    expect(parseSockaddr(b, AF_NETLINK)).toEqual({ family: AF_NETLINK, pid: 12345, groups: 1 });
    expect(emitSockaddr({ family: AF_NETLINK, pid: 12345, groups: 1 })).toEqual(b);
  });

  it('round-trips and never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 140 }), fc.constantFrom(AF_INET, AF_UNIX, AF_NETLINK, 10, 0), (b, fam) => {
      const r = parseSockaddr(b, fam);
      if (typeof r !== 'number' && r.family !== 0) {
        const again = parseSockaddr(emitSockaddr(r), fam);
        expect(again).toEqual(r);
      }
    }));
  });
});

describe('struct msghdr and cmsg', () => {
  it('reads the 56-byte msghdr', () => {
    const b = new Uint8Array(MSGHDR_BYTES);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, 0x1000n, true);
    v.setUint32(8, 16, true);
    v.setBigUint64(16, 0x2000n, true);
    v.setBigUint64(24, 2n, true);
    v.setBigUint64(32, 0x3000n, true);
    v.setBigUint64(40, 64n, true);
    expect(parseMsgHdr(b)).toEqual({ nameAddr: 0x1000, nameLenBytes: 16, iovAddr: 0x2000, iovCount: 2, controlAddr: 0x3000, controlLenBytes: 64, flags: 0 });
    expect(parseMsgHdr(b.subarray(0, 40))).toBeUndefined();
  });

  it('packs control messages with CMSG_ALIGN and truncates whole messages', () => {
    const msgs = [{ level: 1, type: 1, data: Uint8Array.of(3, 0, 0, 0) }, { level: 1, type: 2, data: new Uint8Array(12) }];
    const all = emitControl(msgs, 1024);
    expect(all.truncated).toBe(false);
    expect(all.bytes.length).toBe(24 + 32);
    expect(parseControl(all.bytes)).toEqual(msgs);
    const cut = emitControl(msgs, 30);
    expect(cut).toMatchObject({ truncated: true });
    expect(cut.bytes.length).toBe(24);
    expect(parseControl(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0))).toBe('invalid');
  });

  it('never throws on random control bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      const r = parseControl(b);
      expect(r === 'invalid' || Array.isArray(r)).toBe(true);
      parseMsgHdr(b);
    }));
  });
});

describe('netmask helpers', () => {
  it('convert prefixes and masks, refuse holes, give classful prefixes', () => {
    expect(prefixToMask(24)).toBe(0xffffff00);
    expect(maskToPrefix(0xffffff00)).toBe(24);
    expect(maskToPrefix(0)).toBe(0);
    expect(maskToPrefix(0xff00ff00)).toBe(-1);
    expect([classfulPrefix(0x0a000001), classfulPrefix(0xac100001), classfulPrefix(0xc0a80001), classfulPrefix(0xe0000001)]).toEqual([8, 16, 24, -1]);
  });
});

describe('rtnetlink', () => {
  const ctx = () => ({ net: new FakeIpStack() as IpStack, admin: true, portId: 42 });

  it('dumps links as RTM_NEWLINK with NLM_F_MULTI, ending in NLMSG_DONE', () => {
    const req = parseMessages(emitMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5, 0, new Uint8Array(16)));
    const out = parseMessages(handleRtnl(req[0], ctx()).reduce((a, b) => Uint8Array.of(...a, ...b), new Uint8Array(0)));
    expect(out.map((m) => [m.type, m.flags, m.seq, m.pid])).toEqual([[RTM_NEWLINK, 2, 5, 42], [RTM_NEWLINK, 2, 5, 42], [NLMSG_DONE, 2, 5, 42]]);
    expect(out.map((m) => new TextDecoder().decode(parseAttrs(m.payload.subarray(16)).get(IFLA_IFNAME) ?? new Uint8Array(0)))).toEqual(['lo\0', 'eth0\0', '']);
  });

  it('acks changes with NLMSG_ERROR 0 (header only) and quotes the request on error', () => {
    const c = ctx();
    const add = emitMessage(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 9, 0, Uint8Array.of(...emitIfAddr({ family: AF_INET, prefixLen: 24, flags: 0, scope: 0, index: 2 }), ...inAttr(IFA_LOCAL, 0x0a00020f)));
    const [ack] = parseMessages(handleRtnl(parseMessages(add)[0], c)[0]);
    expect(ack.type).toBe(NLMSG_ERROR);
    expect(new DataView(ack.payload.buffer, ack.payload.byteOffset).getInt32(0, true)).toBe(0);
    expect(ack.payload.length).toBe(4 + 16);
    const dump = parseMessages(emitMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 10, 0, Uint8Array.of(AF_INET, 0, 0, 0, 0, 0, 0, 0)));
    const addrs = parseMessages(Uint8Array.from(handleRtnl(dump[0], c).flatMap((b) => [...b])));
    expect(addrs.filter((m) => m.type === RTM_NEWADDR).map((m) => [m.payload[1], m.payload[4]])).toEqual([[8, 1], [24, 2]]);
    const bad = emitMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 11, 0, Uint8Array.of(...emitIfInfo({ family: 0, type: 0, index: 99, flags: 0, change: 0 }), ...u32Attr(IFLA_MTU, 9000)));
    const [err] = parseMessages(handleRtnl(parseMessages(bad)[0], c)[0]);
    expect(new DataView(err.payload.buffer, err.payload.byteOffset).getInt32(0, true)).toBe(-19);
    expect(err.payload.length).toBe(4 + bad.length);
    const byName = emitMessage(RTM_NEWLINK, NLM_F_REQUEST, 12, 0, Uint8Array.of(...emitIfInfo({ family: 0, type: 0, index: 0, flags: 1, change: 1 }), ...strAttr(IFLA_IFNAME, 'eth0')));
    expect(handleRtnl(parseMessages(byName)[0], c)).toEqual([]);
    expect((c.net as FakeIpStack).upCalls).toEqual([['eth0', true]]);
  });

  it('dumps the ARP cache as RTM_NEWNEIGH (reachable with lladdr, incomplete without)', () => {
    const req = parseMessages(emitMessage(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, 3, 0, new Uint8Array(12)));
    const out = parseMessages(Uint8Array.from(handleRtnl(req[0], ctx()).flatMap((b) => [...b])));
    expect(out.map((m) => m.type)).toEqual([RTM_NEWNEIGH, RTM_NEWNEIGH, NLMSG_DONE]);
    const [a, b] = out;
    expect([a.payload[0], a.payload[4], a.payload[8], b.payload[8]]).toEqual([AF_INET, 2, 0x02, 0x01]);
    expect([...(parseAttrs(a.payload.subarray(12)).get(2) ?? [])]).toEqual([0x52, 0x55, 0x0a, 0, 2, 2]);
    expect(parseAttrs(b.payload.subarray(12)).has(2)).toBe(false);
  });

  it('never throws on random datagrams', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 16, max: 30 }), (body, type) => {
      const m = emitMessage(type, NLM_F_REQUEST | (type % 2 ? NLM_F_DUMP : NLM_F_ACK), 1, 0, body);
      for (const msg of parseMessages(m)) handleRtnl(msg, ctx());
      parseMessages(body);
    }));
  });
});
