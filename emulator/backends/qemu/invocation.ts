// The qemu-system command line for a machine description: the description's own arguments
// (printed back by the description layer), plus what the QEMU backend needs around them —
// the guest assets when the description names no kernel, the serial console on stdio, and
// a QMP socket for control.

import { qemuBinary } from '../../machine/description/qemu-emit';
import type { MachineDescription } from '../../machine/description/types';

export interface GuestAssets {
  kernel: string;
  initrd: string;
}

export interface QemuInvocation {
  binary: string;
  args: string[];
}

/** The Debian package that provides each binary, for the "not installed" message. */
export const QEMU_PACKAGE: Record<string, string> = {
  'qemu-system-aarch64': 'qemu-system-arm',
  'qemu-system-x86_64': 'qemu-system-x86',
};

export function consoleDevice(desc: MachineDescription): string {
  return desc.machine === 'virt' ? 'ttyAMA0' : 'ttyS0';
}

export function buildInvocation(
  desc: MachineDescription,
  descriptionArgs: string[],
  qmpSocket: string,
  assets: GuestAssets | undefined,
): QemuInvocation {
  const binary = qemuBinary(desc);
  const args = [...descriptionArgs];
  const has = (flag: string) => args.includes(flag);
  if (!desc.kernel) {
    if (!assets) throw new Error('qemu backend: the machine names no -kernel and no guest assets are available (run `twinbox assets fetch`)');
    args.push('-kernel', assets.kernel);
    if (!desc.initrd) args.push('-initrd', assets.initrd);
  }
  if (!has('-append')) {
    args.push('-append', `console=${consoleDevice(desc)} ${desc.append}`.trim());
  } else if (!/console=/.test(desc.append)) {
    const i = args.indexOf('-append');
    args[i + 1] = `console=${consoleDevice(desc)} ${args[i + 1]}`;
  }
  if (!has('-nographic')) args.push('-nographic');
  // The console on stdio, multiplexed with the monitor as -nographic does, but with signal=off:
  // a ^C typed to the guest must reach the guest, not terminate QEMU.
  if (!has('-serial')) args.push('-chardev', 'stdio,id=twinbox-console,mux=on,signal=off', '-serial', 'chardev:twinbox-console', '-mon', 'chardev=twinbox-console');
  args.push('-qmp', `unix:${qmpSocket},server=on,wait=off`);
  return { binary, args };
}
