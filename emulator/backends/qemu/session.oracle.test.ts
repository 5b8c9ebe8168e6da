// Real QEMU + Debian's kernel + BusyBox through the qemu backend (needs `twinbox assets fetch`
// and qemu-system-arm / qemu-system-x86; .ci/run provides both).

import { describe, expect, it } from 'vitest';
import { assetPaths, haveAssets } from '../../../tools/assets/fetch';
import { MACHINE_ARCH, type MachineDescription, type MachineType } from '../../machine/description/types';
import { buildInvocation } from './invocation';
import { QemuSession } from './session';

const ARGS: Record<MachineType, string[]> = {
  virt: ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '1G'],
  q35: ['-M', 'q35', '-cpu', 'max', '-m', '1G'],
};

function desc(machine: MachineType): MachineDescription {
  return {
    arch: MACHINE_ARCH[machine], machine, machineOptions: {}, cpu: machine === 'virt' ? 'cortex-a57' : 'max',
    memoryBytes: 1 << 30, smp: 1, devices: [], drives: [], netdevs: [], append: '', nographic: true,
    noReboot: true, noDefaults: false, extra: {}, source: 'test',
  };
}

describe('qemu invocation', () => {
  it('adds the assets, the console and a QMP socket around the description', () => {
    const inv = buildInvocation(desc('virt'), ARGS.virt, '/tmp/q.sock', { kernel: 'K', initrd: 'I' });
    expect(inv.binary).toBe('qemu-system-aarch64');
    expect(inv.args).toEqual([...ARGS.virt, '-kernel', 'K', '-initrd', 'I', '-append', 'console=ttyAMA0', '-nographic',
      '-chardev', 'stdio,id=twinbox-console,mux=on,signal=off', '-serial', 'chardev:twinbox-console', '-mon', 'chardev=twinbox-console', '-qmp', 'unix:/tmp/q.sock,server=on,wait=off']);
  });
});

describe.each(['virt', 'q35'] as const)('qemu backend on %s (real Linux + BusyBox)', (machine) => {
  const arch = MACHINE_ARCH[machine];
  it('boots to the BusyBox prompt, runs commands, powers off', async () => {
    expect(haveAssets(arch), 'run `twinbox assets fetch` first').toBe(true);
    const p = assetPaths(arch);
    const s = await QemuSession.start({ description: desc(machine), descriptionArgs: [...ARGS[machine], '-no-reboot'], assets: { kernel: p.kernel, initrd: p.initrd } });
    try {
      const prompt = await s.waitFor('/ # ', 120e9, 0);
      expect(prompt.ok).toBe(true);
      const mark = s.outputLength;
      s.send("sh -c 'exit 42'; echo rc=$?\r");
      const rc = await s.waitFor(/rc=(\d+)/, 30e9, mark);
      expect(rc.ok && rc.groups[1]).toBe('42');
      s.send('poweroff -f\r');
      expect(await s.waitForPowerOff(30e9)).toEqual({ ok: true });
      expect(s.power).toBe('off');
    } finally {
      await s.close();
    }
  });
});

describe('qemu backend console behaviour', () => {
  it('paces piped lines to the prompts and passes ^C to the guest, not to QEMU', async () => {
    expect(haveAssets('aarch64'), 'run `twinbox assets fetch` first').toBe(true);
    const p = assetPaths('aarch64');
    const s = await QemuSession.start({ description: desc('virt'), descriptionArgs: [...ARGS.virt, '-no-reboot'], assets: { kernel: p.kernel, initrd: p.initrd } });
    try {
      // Everything typed at once, before the guest has booted: each line must still arrive at its own prompt.
      s.send('echo one\recho two\rsleep 30\r');
      expect((await s.waitFor('two\r\n', 120e9, 0)).ok).toBe(true);
      const mark = s.outputLength;
      await s.waitNs(1e9);
      s.send('\x03');
      s.send('echo interrupted-ok\r');
      expect((await s.waitFor('interrupted-ok\r\n', 20e9, mark)).ok).toBe(true);
      expect(s.power).toBe('running');
      s.send('poweroff -f\r');
      expect(await s.waitForPowerOff(30e9)).toEqual({ ok: true });
    } finally {
      await s.close();
    }
  });
});
