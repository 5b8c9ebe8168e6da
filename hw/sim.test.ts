// The tools over a simulated machine booted in-process, its sysfs exported as a real
// directory tree, and the capture → import round trip: capture.sh (real `sh`) over the
// exported tree, imported as a profile, booted again, must give the same IOMMU groups.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile, parseProfile } from '../emulator/machine/description/profile';
import { parseQemuArgs } from '../emulator/machine/description/qemu-args';
import { splitShellWords } from '../emulator/machine/description/shell-words';
import { runHw } from './commands';
import { exportSysfs } from './export-sysfs';
import { DirSysfs } from './host-sysfs';
import { importCapture } from './import';
import { readGroups } from './pci-read';
import { scan } from './scan';
import { bootSimHost } from './sim-sysfs';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-hw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CAPTURE_SH = new URL('./capture.sh', import.meta.url).pathname;

function boot(profile: string) {
  const desc = loadProfile(new URL(`../profiles/${profile}`, import.meta.url).pathname);
  if (!desc.ok) throw new Error(desc.error);
  // The IOMMU is on only with the parameter, as on Linux; q35-dual-display's profile leaves it off.
  const append = desc.value.append.includes('intel_iommu=on') ? desc.value.append : `${desc.value.append} intel_iommu=on iommu=pt`;
  const b = bootSimHost({ ...desc.value, append });
  if (!b.ok) throw new Error(b.error);
  return b.host;
}

describe.each(['neuronos-dual-gpu.yaml', 'q35-dual-display.yaml'])('hw over the simulated %s', (profile) => {
  const host = boot(profile);
  const out = join(dir, profile);

  it('scans the booted machine, and the exported tree reads the same', () => {
    const sim = scan(host.sys);
    expect(sim.gpus.length).toBe(2);
    expect(sim.iommuEnabled).toBe(true);
    const stats = exportSysfs(host.sys, out);
    expect(stats.links).toBeGreaterThan(10);
    const exported = new DirSysfs(out);
    expect(scan(exported)).toEqual(sim);
    expect(readGroups(exported)).toEqual(readGroups(host.sys));
  });

  it('capture.sh over the exported tree imports as a profile with the same groups', () => {
    const cap = spawnSync('sh', [CAPTURE_SH], { env: { ...process.env, SYSFS_ROOT: out }, encoding: 'utf8' });
    expect(cap.status).toBe(0);
    const imported = importCapture(cap.stdout);
    if (!imported.ok) throw new Error(imported.error);
    const desc = parseProfile(imported.profile, 'imported.yaml');
    if (!desc.ok) throw new Error(desc.error);
    const again = bootSimHost(desc.value);
    if (!again.ok) throw new Error(again.error);
    const groupsOf = (v: Parameters<typeof readGroups>[0]) => readGroups(v).map((g) => g.members.join(' ')).sort();
    expect(groupsOf(again.host.sys)).toEqual(groupsOf(host.sys));
    expect(imported.capture.groups.map((g) => g.devices.join(' ')).sort()).toEqual(groupsOf(host.sys));
  });
});

describe('hw on the NeuronOS host', () => {
  it('recommends the RTX 3070 with its audio function, Intel parameters from the command line', () => {
    const host = boot('neuronos-dual-gpu.yaml');
    const r = runHw(['vfio-config', '--json'], host);
    const j = JSON.parse(r.stdout) as { gpu: string; ids: string[]; kernelParams: string };
    expect(j.gpu).toBe('0000:01:00.0');
    expect(j.ids).toEqual(['10de:2484', '10de:228b']);
    expect(j.kernelParams).toBe('intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b');
  });
});

// Real Linux's answers (Debian 6.12 under QEMU 7.2, emulator/pci/fixtures): a topology booted
// from the captured QEMU arguments, exported, captured with capture.sh, imported and booted
// again must still have exactly the groups (numbers and members) Linux reported.
describe.each(['q35-dual-display', 'q35-acs-mix'])('capture → import against the real-Linux fixture %s', (name) => {
  it('keeps Linux\'s IOMMU groups through the round trip', () => {
    const fixture = readFileSync(new URL(`../emulator/pci/fixtures/${name}.linux.txt`, import.meta.url), 'utf8');
    const words = splitShellWords(fixture.split('\n')[0].replace(/^# qemu-system-x86_64 /, ''));
    if (!words.ok) throw new Error(words.error);
    const desc = parseQemuArgs(words.value);
    if (!desc.ok) throw new Error(desc.error);
    const first = bootSimHost({ ...desc.value, append: 'console=ttyS0 intel_iommu=on iommu=pt' });
    if (!first.ok) throw new Error(first.error);
    const out = join(dir, `fixture-${name}`);
    exportSysfs(first.host.sys, out);
    const cap = spawnSync('sh', [CAPTURE_SH], { env: { ...process.env, SYSFS_ROOT: out }, encoding: 'utf8' });
    const imported = importCapture(cap.stdout);
    if (!imported.ok) throw new Error(imported.error);
    const again = parseProfile(imported.profile, `${name}.imported.yaml`);
    if (!again.ok) throw new Error(again.error);
    const second = bootSimHost(again.value);
    if (!second.ok) throw new Error(second.error);
    const linux = /===CMD 3\n([\s\S]*?)===RC/.exec(fixture)?.[1] ?? '';
    const ours = readGroups(second.host.sys).map((g) => `${g.id} ${g.members.join(' ')}\n`).join('');
    expect(ours).toBe(linux);
  });
});
