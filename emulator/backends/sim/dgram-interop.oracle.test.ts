// Interop on one L2 link: a twinbox guest (simulator, native userland) and a real Linux guest
// (QEMU with Debian's kernel and BusyBox, `twinbox assets fetch`) joined by QEMU's `-netdev dgram`
// on loopback UDP, the twinbox side through the dgram bridge. Each pings the other. The simulator
// is paced to wall time here (1 ms of virtual time per host turn) so the real guest keeps up.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from '../../machine/description/qemu-args';
import type { Session } from '../backend';
import { selectBackend } from '../select';
import { SimBackend } from './backend';
import type { SimSession } from './session';
import { bridgeHostNetdevs } from './dgram-bridge';
import { DEFAULT_CACHE, haveAssets } from '../../../tools/assets/fetch';

const P_QEMU = 47_611, P_SIM = 47_612;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dgram(local: number, remote: number): string {
  return `dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=${local},remote.type=inet,remote.host=127.0.0.1,remote.port=${remote}`;
}

async function pacedUntil(sim: Session, text: string, wallMs: number): Promise<boolean> {
  const end = Date.now() + wallMs;
  while (Date.now() < end) {
    if (sim.outputText().includes(text)) return true;
    await sim.waitNs(2_000_000);
    await sleep(1);
  }
  return sim.outputText().includes(text);
}

describe('twinbox guest and a QEMU guest on one dgram link', () => {
  it('ping each other and fetch each other\'s page over HTTP', async () => {
    expect(haveAssets('aarch64'), 'run `twinbox assets fetch` first').toBe(true);
    const qemuBackend = await selectBackend('qemu');
    if (!qemuBackend.ok) throw new Error(qemuBackend.error);
    const initrd = join(DEFAULT_CACHE, 'aarch64', 'initramfs.cpio.gz');
    const qdesc = parseQemuArgs(['-M', 'virt', '-cpu', 'cortex-a57', '-m', '512M', '-nographic', '-initrd', initrd, '-netdev', dgram(P_QEMU, P_SIM), '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:00:00:02'], 'interop');
    const sdesc = parseQemuArgs(['-M', 'virt', '-m', '256M', '-nographic', '-netdev', dgram(P_SIM, P_QEMU), '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01'], 'interop');
    if (!qdesc.ok || !sdesc.ok) throw new Error('bad machine arguments');
    const qemu = await qemuBackend.backend.boot(qdesc.value, { seed: 1 });
    const sim = (await new SimBackend().boot(sdesc.value, { seed: 1 })) as SimSession;
    const bridges = await bridgeHostNetdevs(sim.machine);
    if (typeof bridges === 'string') throw new Error(bridges);
    try {
      expect((await qemu.waitFor('/ # ', 60e9, 0)).ok).toBe(true);
      expect(await pacedUntil(sim, '/ # ', 10_000)).toBe(true);
      qemu.send('ip link set eth0 up && ip addr add 10.0.9.2/24 dev eth0 && echo Q-""READY\n');
      expect((await qemu.waitFor('Q-READY\r', 30e9, 0)).ok).toBe(true);
      sim.send('ip link set eth0 up && ip addr add 10.0.9.1/24 dev eth0 && ping -c 3 -W 5 10.0.9.2; echo S-""DONE\n');
      expect(await pacedUntil(sim, 'S-DONE', 60_000)).toBe(true);
      expect(sim.outputText()).toMatch(/3 packets transmitted, [1-3] packets received/);
      const from = qemu.outputLength;
      qemu.send('ping -c 2 10.0.9.1; echo Q-""DONE\n');
      // Markers are typed as Q-""DONE so the echoed command line does not match them.
      // Keep the simulator running (paced) while the real guest pings it.
      const simRuns = (async () => { for (let i = 0; i < 20_000 && !qemu.outputText(from).includes('Q-DONE'); i++) { await sim.waitNs(2_000_000); await sleep(1); } })();
      const q = await qemu.waitFor('Q-DONE', 60e9, from);
      await simRuns;
      expect(q.ok).toBe(true);
      expect(qemu.outputText(from)).toMatch(/2 packets transmitted, [12] packets received/);
      // HTTP both ways: the twinbox guest's wget from BusyBox httpd, QEMU's BusyBox wget from ours.
      const q2 = qemu.outputLength;
      qemu.send("mkdir -p /www && echo 'from linux' > /www/index.html && httpd -p 8080 -h /www && echo Q-\"\"HTTPD\n");
      expect((await qemu.waitFor('Q-HTTPD', 30e9, q2)).ok).toBe(true);
      sim.send("wget -q -O - http://10.0.9.2:8080/; mkdir -p /www && echo 'from twinbox' > /www/index.html && httpd -p 8080 -h /www; echo S-\"\"HTTP\n");
      expect(await pacedUntil(sim, 'S-HTTP', 60_000)).toBe(true);
      expect(sim.outputText()).toMatch(/^from linux\r?$/m);
      const q3 = qemu.outputLength;
      qemu.send('wget -q -O - http://10.0.9.1:8080/; echo Q-""WGET\n');
      const simRuns2 = (async () => { for (let i = 0; i < 20_000 && !qemu.outputText(q3).includes('Q-WGET'); i++) { await sim.waitNs(2_000_000); await sleep(1); } })();
      const w = await qemu.waitFor('Q-WGET', 60e9, q3);
      await simRuns2;
      expect(w.ok).toBe(true);
      expect(qemu.outputText(q3)).toMatch(/^from twinbox\r?$/m);
    } finally {
      for (const b of bridges) await b.close();
      await sim.close();
      await qemu.close();
    }
  }, 240_000);
});
