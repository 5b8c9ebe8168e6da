// Linux's ext2 mount log lines, both backends: a disk made by mkfs.ext2 (fixed UUID) is mounted
// in the guest, and `dmesg` shows the same EXT4-fs lines on real Linux (Debian's 6.12 serves
// ext2 with the ext4 driver) as on the simulator, for mount and umount.
// Debian packages: e2fsprogs, qemu-system-x86.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../emulator/backends/select';
import { haveAssets } from '../../tools/assets/fetch';
import { parseScenario } from '../../scenarios/engine/load';
import { formatFailure, runScenario } from '../../scenarios/engine/run-scenario';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-ext4log-'));
const UUID = '0badcafe-1234-4abc-8def-0123456789ab';

function scenario(img: string): string {
  return `name: ext2-mount-log
machine: -M q35 -m 256M -nographic -drive file=${img},format=raw,if=virtio
timeouts: { expect: 60s, power-off: 30s, wall: 170s }
steps:
  - boot
  - expect: "/ # "
  - send: mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && dmesg | grep 'EXT4-fs (vda)' && umount /mnt && dmesg | grep 'unmounting' && echo DONE
  - expect: "EXT4-fs (vda): mounting ext2 file system using the ext4 subsystem"
  - expect: { regex: "EXT4-fs \\\\(vda\\\\): mounted filesystem ${UUID} r/w without journal\\\\. Quota mode: none\\\\." }
  - expect: "EXT4-fs (vda): unmounting filesystem ${UUID}."
  - expect: { regex: "^DONE", flags: m }
  - send: poweroff -f
  - power-off
`;
}

describe('ext2 mount log lines as Linux prints them', () => {
  for (const backendName of ['sim', 'qemu']) {
    it(`${backendName}`, async () => {
      if (backendName === 'qemu') expect(haveAssets('x86_64'), 'run `twinbox assets fetch` first').toBe(true);
      const img = join(dir, `${backendName}.img`);
      execFileSync('/bin/sh', ['-c', `truncate -s 16M ${img} && mkfs.ext2 -q -F -U ${UUID} ${img}`]);
      const backend = await selectBackend(backendName);
      if (!backend.ok) throw new Error(backend.error);
      const parsed = parseScenario(scenario(img), `scenarios/ext2-log-${backendName}.yaml`);
      if (!parsed.ok) throw new Error(parsed.error);
      const r = await runScenario(parsed.scenario, { backend: backend.backend, outDir: dir });
      expect(formatFailure(r)).toBe('');
    }, 180_000);
  }
});
