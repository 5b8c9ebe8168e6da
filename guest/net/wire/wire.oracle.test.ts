// tshark as the oracle for the emitters: every sample frame decodes with the expected protocol
// stack, good checksums and no malformed-packet or expert warnings.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../../devices/net/pcap';
import { SAMPLE_FRAMES } from './testing/samples';

const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

function tshark(file: string, args: string[]): string {
  return execFileSync('tshark', ['-n', '-r', file, ...CHECKS, ...args], { encoding: 'utf8' });
}

describe('wire emitters against tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-wire-'));
  const file = join(dir, 'samples.pcap');
  const w = new PcapWriter(true);
  SAMPLE_FRAMES.forEach((s, i) => w.add(i * 1_000_000, s.frame));
  writeFileSync(file, w.bytes());

  it('decodes each frame with the expected protocols', () => {
    const out = tshark(file, ['-T', 'fields', '-e', 'frame.protocols']).trim().split('\n');
    expect(out).toEqual([
      'eth:ethertype:arp',
      'eth:ethertype:ip:icmp:data',
      'eth:ethertype:ip:icmp:ip:udp',
      'eth:ethertype:ip:udp:data',
      'eth:ethertype:ip:tcp',
      'eth:ethertype:ip:tcp',
      'eth:ethertype:ip:udp:dhcp',
      'eth:ethertype:ip:udp:dns',
    ]);
  });

  it('finds no malformed packets and no expert warnings or errors', () => {
    const expert = tshark(file, ['-q', '-z', 'expert,warn']);
    expect(expert).not.toMatch(/Malformed|Warnings \(|Errors \(/);
    const verbose = tshark(file, ['-V']);
    expect(verbose).not.toMatch(/Malformed|\[Expert Info \((Warning|Error)/);
  });

  it('agrees on checksums and decoded fields', () => {
    const fields = ['ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'dhcp.option.dhcp', 'dns.a', 'dns.cname', 'dns.aaaa', 'dns.ptr.domain_name'];
    const rows = tshark(file, ['-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])]).trim().split('\n');
    const by = (name: string): string[] => rows[SAMPLE_FRAMES.findIndex((s) => s.name === name)].split('|');
    // checksum status: 1 is "Good" (0 bad, 2 unverified).
    for (const s of SAMPLE_FRAMES.slice(1)) expect(by(s.name)[0].split(',')[0], s.name).toBe('1');
    expect(by('icmp-echo-request')[3]).toBe('1');
    expect(by('icmp-port-unreachable')[3]).toBe('1');
    for (const n of ['udp-datagram', 'dhcp-discover', 'dns-response']) expect(by(n)[1], n).toBe('1');
    expect(by('tcp-syn').slice(2, 6)).toEqual(['1', '', '1460', '7']);
    expect(by('tcp-data')[2]).toBe('1');
    expect(by('dhcp-discover')[6]).toBe('1');
    expect(by('dns-response').slice(7)).toEqual(['93.184.216.34', 'web.example.com', '2001:db8::1', 'web.example.com']);
  });
});
