// tshark decodes what two guest stacks put on a lossy wire: ARP, ping, UDP, and a TCP
// connect/transfer/close under 5% loss and reordering. No Malformed packets, no expert errors
// (retransmissions and duplicate ACKs are notes/warnings: expected on a lossy link), and the
// SYN options (MSS, window scale, SACK-permitted), SACK blocks and the teardown are decoded as a
// real stack's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../../devices/net/pcap';
import { AF_INET, SOCK_DGRAM } from '../socket';
import { emitIcmpv4 } from '../wire/icmpv4';
import { tcpBulk } from './bulk';
import { IPPROTO_ICMP } from './consts';
import { ADDR_B, asSocket, runUntilDone, stackPair } from './testing';

const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

function capture(): { file: string; frames: number; ok: boolean } {
  const p = stackPair(3);
  const pcap = new PcapWriter(true);
  p.hub.addTap((t, f) => pcap.add(t, f));
  const ping = asSocket(p.a.createSocket(SOCK_DGRAM, IPPROTO_ICMP));
  ping.send(emitIcmpv4({ kind: 'echoRequest', ident: 0, seq: 1, data: new Uint8Array(56) }), 0, { family: AF_INET, addr: ADDR_B, port: 0 }, false);
  runUntilDone(p.sched, () => ping.recv(2000, 0, false));
  const udp = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
  udp.send(new TextEncoder().encode('to a closed port'), 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false);
  p.sched.runUntil(p.sched.now + 1e9);
  for (const port of ['a', 'b']) p.hub.setFaults(port, { lossRate: 0.05, reorderRate: 0.03, reorderDelayNs: 1_000_000 });
  const data = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
  const r = tcpBulk(p.sched, p.a, p.b, ADDR_B, data);
  p.sched.runUntil(p.sched.now + 120e9);
  const file = join(mkdtempSync(join(tmpdir(), 'twinbox-stack-')), 'stack.pcap');
  writeFileSync(file, pcap.bytes());
  return { file, frames: pcap.frames, ok: r.done && r.received.length === data.length };
}

describe('guest IPv4 stack traffic against tshark', () => {
  const { file, frames, ok } = capture();
  const tshark = (args: string[]): string => execFileSync('tshark', ['-n', '-r', file, ...CHECKS, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });

  it('transfers under loss and every frame decodes without Malformed or expert errors', () => {
    expect(ok).toBe(true);
    expect(tshark(['-T', 'fields', '-e', 'frame.number']).trim().split('\n').length).toBe(frames);
    expect(tshark(['-Y', '_ws.malformed || _ws.expert.severity == error'])).toBe('');
    const expert = tshark(['-q', '-z', 'expert,error']);
    expect(expert).not.toMatch(/Errors \(/);
    const bad = tshark(['-Y', 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0']).trim();
    expect(bad).toBe('');
  });

  it('sees ARP, the ping reply, the port unreachable, SYN options and an orderly close', () => {
    expect(tshark(['-Y', 'arp.opcode == 2', '-T', 'fields', '-e', 'arp.src.hw_mac']).trim().split('\n')[0]).toBe('52:54:00:00:00:02');
    expect(tshark(['-Y', 'icmp.type == 0', '-T', 'fields', '-e', 'icmp.resp_to']).trim()).not.toBe('');
    expect(tshark(['-Y', 'icmp.type == 3 && icmp.code == 3', '-T', 'fields', '-e', 'udp.dstport']).trim()).toBe('9');
    const syn = tshark(['-Y', 'tcp.flags.syn == 1', '-T', 'fields', '-e', 'tcp.options.mss_val', '-e', 'tcp.options.wscale.shift']).trim().split('\n');
    expect(new Set(syn)).toEqual(new Set(['1460\t7']));
    expect(tshark(['-Y', 'tcp.flags.syn == 1 && tcp.options.sack_perm']).trim().split('\n').length).toBe(2);
    // SACK blocks the receiver sent decode as edges above the cumulative ACK.
    const sacks = tshark(['-Y', 'tcp.options.sack_le', '-T', 'fields', '-e', 'tcp.ack', '-e', 'tcp.options.sack_le']).trim().split('\n');
    expect(sacks.length).toBeGreaterThan(0);
    for (const row of sacks) {
      const [ack, left] = row.split('\t');
      expect(Number(left.split(',')[0])).toBeGreaterThan(Number(ack));
    }
    expect(tshark(['-Y', 'tcp.flags.fin == 1', '-T', 'fields', '-e', 'tcp.srcport']).trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect(tshark(['-Y', 'tcp.flags.reset == 1']).trim()).toBe('');
    // Loss was real: tshark saw retransmissions.
    expect(tshark(['-Y', 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission']).trim()).not.toBe('');
  });
});
