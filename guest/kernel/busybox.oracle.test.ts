// Real BusyBox 1.35 (Debian's busybox-static for arm64) running as ELF on the kernel through
// the CPU interpreter: the Phase A shell checks. The binary comes from `twinbox assets fetch`
// (or TWINBOX_BUSYBOX_AARCH64).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetPaths } from '../../tools/assets/fetch';
import { bootMachine } from '../testing/machine';
import { emitCpio } from '../fs/cpio';

const BUSYBOX = process.env['TWINBOX_BUSYBOX_AARCH64'] ?? join(assetPaths('aarch64').dir, 'busybox');
const APPLETS = ['sh', 'ls', 'cat', 'head', 'wc', 'yes', 'sleep', 'kill', 'ps', 'mount', 'uname', 'poweroff', 'echo', 'mkdir', 'tail'];

function initramfs(): Uint8Array {
  const dir = (name: string) => ({ name, mode: 0o40755, data: new Uint8Array(0) });
  return emitCpio([
    dir('bin'), dir('proc'), dir('dev'),
    { name: 'bin/busybox', mode: 0o100755, data: new Uint8Array(readFileSync(BUSYBOX)) },
    ...APPLETS.map((a) => ({ name: `bin/${a}`, mode: 0o120777, data: new TextEncoder().encode('busybox') })),
  ]);
}

describe('BusyBox (static arm64 ELF) on the kernel', () => {
  it('has the binary from `twinbox assets fetch`', () => {
    expect(existsSync(BUSYBOX), BUSYBOX).toBe(true);
  });

  it('runs the Phase A shell checks and powers off', () => {
    const r = bootMachine({
      type: 'virt', initrd: initramfs(), description: { append: 'console=ttyAMA0 rdinit=/bin/sh' },
      input: [
        'mount -t proc proc /proc\n', 'mount -t devtmpfs dev /dev\n', 'echo hello\n', "sh -c 'exit 42'; echo $?\n",
        'yes | head -n 1 | wc -c\n', 'cat /proc/cpuinfo | head -n 5\n', 'tail -f /dev/null &\n', 'kill -TERM $!\n',
        'wait $!; echo $?\n', 'uname -m\n', 'poweroff -f\n',
      ],
      untilNs: 20e9,
    });
    const out = r.output.replace(/\x1b\[6n/g, '');
    expect(out).toContain('BusyBox v1.35.0');
    expect(out).toContain('echo hello\r\nhello\r\n');
    expect(out).toMatch(/exit 42'; echo \$\?\r\n42\r\n/);
    expect(out).toMatch(/wc -c\r\n2\r\n/);
    expect(out).toContain('processor\t: 0');
    expect(out).toMatch(/wait \$!; echo \$\?\r\n(Terminated\r\n)?143\r\n/);
    expect(out).toMatch(/uname -m\r\naarch64\r\n/);
    expect(r.stop).toBe('powered-off');
  });
});
