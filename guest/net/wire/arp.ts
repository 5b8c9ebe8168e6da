// ARP for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair the stack speaks.

import { be16, be32, fail, ok, put16, put32, readMac, writeMac, type Ipv4Addr, type Mac, type Parsed } from './bytes';

export const ARP = { htype: 0, ptype: 2, hlen: 4, plen: 5, oper: 6, sha: 8, spa: 14, tha: 18, tpa: 24, packetBytes: 28 } as const;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpRepr {
  operation: number;
  senderMac: Mac;
  senderIp: Ipv4Addr;
  targetMac: Mac;
  targetIp: Ipv4Addr;
}

export function parseArp(b: Uint8Array): Parsed<ArpRepr> {
  if (b.length < ARP.packetBytes) return fail(`arp: ${b.length} bytes, need 28`);
  if (be16(b, ARP.htype) !== 1 || be16(b, ARP.ptype) !== 0x0800) return fail('arp: not Ethernet/IPv4');
  if (b[ARP.hlen] !== 6 || b[ARP.plen] !== 4) return fail('arp: bad address lengths');
  const operation = be16(b, ARP.oper);
  if (operation !== ARP_REQUEST && operation !== ARP_REPLY) return fail(`arp: unknown operation ${operation}`);
  return ok({
    operation,
    senderMac: readMac(b, ARP.sha),
    senderIp: be32(b, ARP.spa),
    targetMac: readMac(b, ARP.tha),
    targetIp: be32(b, ARP.tpa),
  });
}

export function emitArp(r: ArpRepr): Uint8Array {
  const out = new Uint8Array(ARP.packetBytes);
  put16(out, ARP.htype, 1);
  put16(out, ARP.ptype, 0x0800);
  out[ARP.hlen] = 6;
  out[ARP.plen] = 4;
  put16(out, ARP.oper, r.operation);
  writeMac(out, ARP.sha, r.senderMac);
  put32(out, ARP.spa, r.senderIp);
  writeMac(out, ARP.tha, r.targetMac);
  put32(out, ARP.tpa, r.targetIp);
  return out;
}
