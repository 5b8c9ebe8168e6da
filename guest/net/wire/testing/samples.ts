// A fixed set of sample frames, one per protocol the wire folder speaks, built with the emitters.
// The oracle test writes them to a pcap and has tshark decode them; the unit tests hold the same
// frames as literal bytes so a change to any emitter shows up as a diff.

import { BROADCAST_MAC, ipv4 } from '../bytes';
import { ARP_REQUEST } from '../arp';
import { BOOTREQUEST, DHCP_CLIENT_PORT, DHCP_FLAG_BROADCAST, DHCP_SERVER_PORT, DHCPDISCOVER, emitDhcp } from '../dhcp';
import { DNS_CLASS_IN, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, DNS_TYPE_PTR, emitDns } from '../dns';
import { arpFrame, icmpFrame, tcpFrame, udpFrame } from '../frame';
import { icmpQuote, ICMP_UNREACH_PORT } from '../icmpv4';
import { TCP_ACK, TCP_SYN } from '../tcp';

export const GUEST_MAC = '52:54:00:12:34:56';
export const GATEWAY_MAC = '52:55:0a:00:02:02';
export const GUEST_IP = ipv4('10.0.2.15');
export const GATEWAY_IP = ipv4('10.0.2.2');
export const DNS_IP = ipv4('10.0.2.3');

const toGw = { srcMac: GUEST_MAC, dstMac: GATEWAY_MAC, src: GUEST_IP, dst: GATEWAY_IP, ident: 0x1234 };
const fromGw = { srcMac: GATEWAY_MAC, dstMac: GUEST_MAC, src: GATEWAY_IP, dst: GUEST_IP, ident: 0x4321 };

function ascii(s: string): Uint8Array {
  return Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
}

const udpToClosed = udpFrame(toGw, { srcPort: 40000, dstPort: 9, payload: ascii('discard me') });

export const SAMPLE_FRAMES: ReadonlyArray<{ name: string; frame: Uint8Array }> = [
  {
    name: 'arp-request',
    frame: arpFrame({ srcMac: GUEST_MAC, dstMac: BROADCAST_MAC }, { operation: ARP_REQUEST, senderMac: GUEST_MAC, senderIp: GUEST_IP, targetMac: '00:00:00:00:00:00', targetIp: GATEWAY_IP }),
  },
  { name: 'icmp-echo-request', frame: icmpFrame(toGw, { kind: 'echoRequest', ident: 0x0101, seq: 1, data: ascii('twinbox ping 0123456789abcdef') }) },
  { name: 'icmp-port-unreachable', frame: icmpFrame(fromGw, { kind: 'destUnreachable', code: ICMP_UNREACH_PORT, nextHopMtu: 0, original: icmpQuote(udpToClosed.subarray(14)) }) },
  { name: 'udp-datagram', frame: udpToClosed },
  {
    name: 'tcp-syn',
    frame: tcpFrame(toGw, {
      srcPort: 43210, dstPort: 80, seq: 0x11223344, ack: 0, flags: TCP_SYN, window: 64240, urgent: 0,
      options: { mss: 1460, sackPermitted: true, timestamp: { value: 1000, echo: 0 }, windowScale: 7 }, payload: new Uint8Array(0),
    }),
  },
  {
    name: 'tcp-data',
    frame: tcpFrame(fromGw, {
      srcPort: 80, dstPort: 43210, seq: 5000, ack: 0x11223345, flags: TCP_ACK | 0x08, window: 65535, urgent: 0,
      options: { timestamp: { value: 2000, echo: 1000 } }, payload: ascii('HTTP/1.0 200 OK\r\n\r\n'),
    }),
  },
  {
    name: 'dhcp-discover',
    frame: udpFrame({ srcMac: GUEST_MAC, dstMac: BROADCAST_MAC, src: 0, dst: 0xffffffff }, {
      srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT,
      payload: emitDhcp({
        op: BOOTREQUEST, hops: 0, xid: 0xdeadbeef, secs: 0, flags: DHCP_FLAG_BROADCAST, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: GUEST_MAC,
        options: { messageType: DHCPDISCOVER, parameterList: [1, 3, 6, 51, 54], other: [] },
      }),
    }),
  },
  {
    name: 'dns-response',
    frame: udpFrame({ ...fromGw, src: DNS_IP }, {
      srcPort: 53, dstPort: 33333,
      payload: emitDns({
        id: 0xbeef, response: true, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: true, rcode: 0,
        questions: [{ name: 'www.example.com', type: DNS_TYPE_A, class: DNS_CLASS_IN }],
        answers: [
          { name: 'www.example.com', class: DNS_CLASS_IN, ttlS: 300, data: { type: DNS_TYPE_CNAME, target: 'web.example.com' } },
          { name: 'web.example.com', class: DNS_CLASS_IN, ttlS: 300, data: { type: DNS_TYPE_A, address: ipv4('93.184.216.34') } },
          { name: 'web.example.com', class: DNS_CLASS_IN, ttlS: 300, data: { type: DNS_TYPE_AAAA, address: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1]) } },
          { name: '34.216.184.93.in-addr.arpa', class: DNS_CLASS_IN, ttlS: 60, data: { type: DNS_TYPE_PTR, target: 'web.example.com' } },
        ],
        authorities: [],
        additionals: [],
      }),
    }),
  },
];
