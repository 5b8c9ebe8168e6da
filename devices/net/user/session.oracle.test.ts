// tshark decodes a whole user-network session (DHCP, ARP, ICMP, DNS, TCP/HTTP) written by the
// pcap writer: right protocols, good checksums, no malformed packets or expert warnings.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSampleSession, ScriptedGuest } from './testing';

const OPTS = { dns: { 'example.com': '93.184.216.34' }, hosts: [{ ip: '93.184.216.34', http: { port: 80, pages: { '/': '<html><body>Hello from twinbox</body></html>\n' } } }] };
const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

describe('user network session against tshark', () => {
  const g = new ScriptedGuest(OPTS, 11);
  runSampleSession(g);
  const file = join(mkdtempSync(join(tmpdir(), 'twinbox-user-')), 'session.pcap');
  writeFileSync(file, g.pcap.bytes());
  const tshark = (args: string[]): string => execFileSync('tshark', ['-n', '-r', file, ...CHECKS, ...args], { encoding: 'utf8' });

  it('decodes every frame with no malformed packets or expert warnings', () => {
    const verbose = tshark(['-V']);
    expect(verbose).not.toMatch(/Malformed|\[Expert Info \((Warning|Error)/);
    expect(tshark(['-q', '-z', 'expert,warn'])).not.toMatch(/Warnings \(|Errors \(/);
    const frames = tshark(['-T', 'fields', '-e', 'frame.number']).trim().split('\n');
    expect(frames.length).toBe(g.pcap.frames);
  });

  it('sees the DHCP exchange, ARP, ping, DNS answer and the HTTP 200', () => {
    const dhcp = tshark(['-Y', 'dhcp', '-T', 'fields', '-e', 'dhcp.option.dhcp', '-e', 'dhcp.ip.your']).trim().split('\n');
    expect(dhcp).toEqual(['1\t0.0.0.0', '2\t10.0.2.15', '3\t0.0.0.0', '5\t10.0.2.15']);
    expect(tshark(['-Y', 'arp.opcode == 2', '-T', 'fields', '-e', 'arp.src.hw_mac']).trim()).toBe('52:55:0a:00:02:02');
    expect(tshark(['-Y', 'icmp.type == 0', '-T', 'fields', '-e', 'icmp.resp_to']).trim()).not.toBe('');
    expect(tshark(['-Y', 'dns.flags.response == 1', '-T', 'fields', '-e', 'dns.a']).trim()).toBe('93.184.216.34');
    expect(tshark(['-Y', 'http.response', '-T', 'fields', '-e', 'http.response.code']).trim()).toBe('200');
    const bad = tshark(['-Y', 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || tcp.analysis.flags']).trim();
    expect(bad).toBe('');
  });
});
