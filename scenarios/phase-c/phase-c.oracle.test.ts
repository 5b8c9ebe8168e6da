// The Phase C scenarios on the simulator write pcaps of every frame on the machine's link; tshark
// (Debian package `tshark`) decodes them with good checksums and no malformed packets, and sees
// the DHCP exchange, the DNS answer, the ping and the HTTP 200. Under faults, TCP retransmissions
// may be flagged (that is the point), nothing else.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../emulator/backends/sim/backend';
import { selectBackend } from '../../emulator/backends/select';
import { haveAssets } from '../../tools/assets/fetch';
import { loadScenarioFile } from '../engine/load';
import { formatFailure, runScenario } from '../engine/run-scenario';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

async function runWithPcap(name: string): Promise<(args: string[]) => string> {
  const outDir = mkdtempSync(join(tmpdir(), 'twinbox-phase-c-'));
  const r = loadScenarioFile(join(HERE, `${name}.yaml`));
  if (!r.ok) throw new Error(r.error);
  const result = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
  expect(formatFailure(result)).toBe('');
  const file = join(outDir, `${name}.pcap`);
  return (args) => execFileSync('tshark', ['-n', '-r', file, ...CHECKS, ...args], { encoding: 'utf8' });
}

describe('Phase C pcaps against tshark', () => {
  it('phase-c-virt: clean decode; DHCP, DNS, ICMP and HTTP as expected', async () => {
    const tshark = await runWithPcap('phase-c-virt');
    expect(tshark(['-V'])).not.toMatch(/Malformed|\[Expert Info \((Warning|Error)/);
    const dhcp = tshark(['-Y', 'dhcp', '-T', 'fields', '-e', 'dhcp.option.dhcp', '-e', 'dhcp.ip.your']).trim().split('\n');
    expect(dhcp).toEqual(['1\t0.0.0.0', '2\t10.0.2.15', '3\t0.0.0.0', '5\t10.0.2.15']);
    expect(tshark(['-Y', 'dns.flags.response == 1 && dns.a', '-T', 'fields', '-e', 'dns.a']).trim().split('\n')).toContain('93.184.216.34');
    expect(tshark(['-Y', 'icmp.type == 0', '-T', 'fields', '-e', 'ip.src']).trim().split('\n')).toEqual(['10.0.2.2', '93.184.216.34']);
    expect(tshark(['-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.host']).trim()).toBe('GET\texample.com');
    expect(tshark(['-Y', 'http.response', '-T', 'fields', '-e', 'http.response.code']).trim()).toBe('200');
    expect(tshark(['-Y', 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || tcp.analysis.flags']).trim()).toBe('');
  }, 120_000);

  it('phase-c-faults: no malformed frames or bad checksums, and the page still arrives', async () => {
    const tshark = await runWithPcap('phase-c-faults');
    expect(tshark(['-V'])).not.toMatch(/Malformed|\[Expert Info \(Error/);
    expect(tshark(['-Y', 'http.response', '-T', 'fields', '-e', 'http.response.code']).trim()).toBe('200');
    expect(tshark(['-Y', 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0']).trim()).toBe('');
  }, 120_000);
});

describe('Phase C on real QEMU (slirp) with Debian\'s BusyBox', () => {
  // The simulator cannot run this one yet: BusyBox's udhcpc opens an AF_PACKET socket.
  it('phase-c-busybox-virt: DHCP lease 10.0.2.15 and ping of the gateway', async () => {
    expect(haveAssets('aarch64'), 'run `twinbox assets fetch` first').toBe(true);
    const backend = await selectBackend('qemu');
    if (!backend.ok) throw new Error(backend.error);
    const r = loadScenarioFile(join(HERE, 'phase-c-busybox-virt.yaml'));
    if (!r.ok) throw new Error(r.error);
    const result = await runScenario(r.scenario, { backend: backend.backend, outDir: mkdtempSync(join(tmpdir(), 'twinbox-phase-c-qemu-')) });
    expect(formatFailure(result)).toBe('');
  }, 300_000);
});
