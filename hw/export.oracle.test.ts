// Real host tools over a simulated machine's exported sysfs: pciutils' lspci (Debian package
// pciutils) reads the tree with its linux-sysfs method and must print what the guest's own
// lspci prints; capture.sh gives the same dump under dash and BusyBox ash (busybox-static).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../emulator/machine/description/profile';
import { userlandPrograms } from '../guest/drivers/pci/test-boot';
import { bootMachine } from '../guest/testing/machine';
import { exportSysfs } from './export-sysfs';
import { scan } from './scan';
import { bootSimHost } from './sim-sysfs';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-hw-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CAPTURE_SH = new URL('./capture.sh', import.meta.url).pathname;

// The seed's gpu_scanner.py reads sysfs this way (class prefix 0x0300, boot_vga, basename of the
// iommu_group and driver links); run by the host's python3 over the exported tree.
const SEED_STYLE_SCANNER = `
import json, os, sys
root = os.path.join(sys.argv[1], "bus/pci/devices")
out = []
for name in sorted(os.listdir(root)):
    d = os.path.join(root, name)
    cls = open(os.path.join(d, "class")).read().strip()
    if not cls.startswith("0x0300"):
        continue
    rd = lambda f: open(os.path.join(d, f)).read().strip().replace("0x", "")
    bv = os.path.join(d, "boot_vga")
    grp = os.path.join(d, "iommu_group")
    drv = os.path.join(d, "driver")
    out.append({"bdf": name, "vendor": rd("vendor"), "device": rd("device"),
                "boot_vga": os.path.exists(bv) and open(bv).read().strip() == "1",
                "group": int(os.path.basename(os.readlink(grp))) if os.path.exists(grp) else -1,
                "driver": os.path.basename(os.readlink(drv)) if os.path.exists(drv) else None})
print(json.dumps(out))
`;

function description(profile: string) {
  const desc = loadProfile(new URL(`../profiles/${profile}`, import.meta.url).pathname);
  if (!desc.ok) throw new Error(desc.error);
  return desc.value;
}

/** What the guest's lspci prints for `args`, from the console transcript. */
function guestLspci(profile: string, args: string): string {
  const r = bootMachine({ type: 'q35', description: description(profile), programs: userlandPrograms(), input: ['echo ===A\n', `lspci ${args}\n`, 'echo ===B\n', 'poweroff\n'] });
  const out = r.output.replace(/\r\n/g, '\n');
  const start = out.indexOf('\n===A\n');
  const end = out.indexOf('echo ===B', start);
  return out.slice(start + 6, end).split('\n').slice(1, -1).join('\n') + '\n';
}

describe.each(['neuronos-dual-gpu.yaml', 'q35-dual-display.yaml'])('exported sysfs of %s', (profile) => {
  const out = join(dir, profile);
  const b = bootSimHost(description(profile));
  if (!b.ok) throw new Error(b.error);
  exportSysfs(b.host.sys, out);

  it.each(['-nn', '-n', ''])('real lspci %s over the tree equals the guest\'s lspci', (args) => {
    const real = spawnSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${out}/bus/pci`, ...(args ? [args] : [])], { encoding: 'utf8' });
    expect(real.status).toBe(0);
    expect(real.stdout).toBe(guestLspci(profile, args));
  });

  it('a seed-style Python scanner finds the same GPUs as twinbox hw scan', () => {
    const py = spawnSync('python3', ['-c', SEED_STYLE_SCANNER, out], { encoding: 'utf8' });
    expect(py.status).toBe(0);
    const ours = scan(b.host.sys).gpus.map((g) => ({
      bdf: g.bdf, vendor: g.vendorId, device: g.deviceId, boot_vga: g.bootVga, group: g.iommuGroup ?? -1, driver: g.driver,
    }));
    // The seed matches only 0x0300 (VGA); twinbox's scan also lists 0x0302 3D and 0x0380 display controllers.
    expect(JSON.parse(py.stdout)).toEqual(ours.filter((g) => /^0x0300/.test(b.host.sys.read(`/bus/pci/devices/${g.bdf}/class`) ?? '')));
  });

  it('capture.sh prints the same dump under dash and BusyBox ash', () => {
    const env = { ...process.env, SYSFS_ROOT: out };
    const dash = spawnSync('dash', [CAPTURE_SH], { env, encoding: 'utf8' });
    const ash = spawnSync('busybox', ['sh', CAPTURE_SH], { env, encoding: 'utf8' });
    expect(dash.status).toBe(0);
    expect(ash.status).toBe(0);
    expect(ash.stdout).toBe(dash.stdout);
    expect(dash.stdout).toContain('capture-version: 1');
  });
});
