// The sample frames as literal bytes. tshark decoded these exact bytes cleanly (wire.oracle.test.ts
// regenerates and re-checks them); any change to an emitter shows up here as a diff.

import { describe, expect, it } from 'vitest';
import { decodeFrame } from './frame';
import { SAMPLE_FRAMES } from './testing/samples';

const CAPTURED: Record<string, string> = {
  'arp-request':
    'ffffffffffff525400123456080600010800060400015254001234560a00020f0000000000000a000202000000000000000000000000000000000000',
  'icmp-echo-request':
    '52550a00020252540012345608004500003912344000400110800a00020f0a00020208000888010100017477696e626f782070696e672030313233343536373839616263646566',
  'icmp-port-unreachable':
    '52540012345652550a000202080045000038432140004001df930a0002020a00020f03031ff6000000004500002612344000401110830a00020f0a0002029c400009001240ab',
  'udp-datagram':
    '52550a00020252540012345608004500002612344000401110830a00020f0a0002029c400009001240ab64697363617264206d650000000000000000',
  'tcp-syn':
    '52550a00020252540012345608004500003c12344000400610780a00020f0a000202a8ca00501122334400000000a002faf043960000020405b40402080a000003e80000000001030307',
  'tcp-data':
    '52540012345652550a000202080045000047432140004006df7f0a0002020a00020f0050a8ca00001388112233458018ffff87fe00000101080a000007d0000003e8485454502f312e3020323030204f4b0d0a0d0a',
  'dhcp-discover':
    'ffffffffffff52540012345608004500014800004000401139a600000000ffffffff0044004301342a4801010600deadbeef0000800000000000000000000000000000000000525400123456000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006382536335010137050103063336ff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  'dns-response':
    '52540012345652550a0002020800450000a3432140004011df170a0002030a00020f00358235008f9fa2beef8180000100040000000003777777076578616d706c6503636f6d0000010001c00c000500010000012c000603776562c010c02d000100010000012c00045db8d822c02d001c00010000012c001020010db8000000000000000000000001023334033231360331383402393307696e2d61646472046172706100000c00010000003c0002c02d',
};

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

describe('whole frames', () => {
  it('emitters reproduce the captured bytes', () => {
    for (const s of SAMPLE_FRAMES) expect(Buffer.from(s.frame).toString('hex'), s.name).toBe(CAPTURED[s.name]);
  });

  it('decodes each captured frame to the expected layers', () => {
    const kinds = Object.entries(CAPTURED).map(([name, h]) => {
      const d = decodeFrame(hex(h));
      return `${name}=${d.ok ? d.value.kind : d.error}`;
    });
    expect(kinds).toEqual([
      'arp-request=arp', 'icmp-echo-request=icmp', 'icmp-port-unreachable=icmp', 'udp-datagram=udp',
      'tcp-syn=tcp', 'tcp-data=tcp', 'dhcp-discover=udp', 'dns-response=udp',
    ]);
    const syn = decodeFrame(hex(CAPTURED['tcp-syn']));
    expect(syn.ok && syn.value.kind === 'tcp' && syn.value.tcp.options).toEqual({ mss: 1460, sackPermitted: true, timestamp: { value: 1000, echo: 0 }, windowScale: 7 });
  });

  it('reports a corrupted transport checksum instead of decoding it', () => {
    const f = hex(CAPTURED['udp-datagram']);
    f[45] ^= 0xff;
    expect(decodeFrame(f)).toEqual({ ok: false, error: 'udp: checksum mismatch' });
  });

  it('leaves non-first fragments and unknown ethertypes opaque', () => {
    const f = hex(CAPTURED['udp-datagram']);
    f[20] = 0x00;
    f[21] = 0x01;
    f[24] = 0;
    f[25] = 0;
    const sum = (() => {
      let s = 0;
      for (let i = 14; i < 34; i += 2) s += (f[i] << 8) | f[i + 1];
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      return ~s & 0xffff;
    })();
    f[24] = sum >> 8;
    f[25] = sum & 0xff;
    const d = decodeFrame(f);
    expect(d.ok && d.value.kind).toBe('ipv4');
    const v6 = hex(CAPTURED['udp-datagram']);
    v6[12] = 0x86;
    v6[13] = 0xdd;
    const e = decodeFrame(v6);
    expect(e.ok && e.value.kind).toBe('ethernet');
  });
});
