// The real-QEMU backend: the same machine descriptions and scenarios as the simulator, run
// by qemu-system with Debian's kernel and a BusyBox initramfs (`twinbox assets fetch`).

import { assetPaths, haveAssets } from '../../../tools/assets/fetch';
import { toQemuArgs } from '../../machine/description/qemu-emit';
import type { MachineDescription } from '../../machine/description/types';
import type { Backend, BootOptions, Session } from '../backend';
import type { GuestAssets } from './invocation';
import { QemuSession } from './session';

export interface QemuBackendOptions {
  /** The description printed back as QEMU arguments. */
  argsOf: (desc: MachineDescription) => string[];
  /** Kernel and initramfs for descriptions that name none. */
  assetsFor: (desc: MachineDescription) => GuestAssets | undefined;
}

export class QemuBackend implements Backend {
  readonly name = 'qemu' as const;

  constructor(private readonly options: QemuBackendOptions) {}

  async boot(description: MachineDescription, options: BootOptions): Promise<Session> {
    return QemuSession.start({
      description,
      descriptionArgs: this.options.argsOf(description),
      assets: this.options.assetsFor(description),
      hooks: options.hooks,
    });
  }
}

/** Assets from `twinbox assets fetch` for the description's architecture, if fetched. */
export function fetchedAssets(desc: MachineDescription): GuestAssets | undefined {
  if (!haveAssets(desc.arch)) return undefined;
  const p = assetPaths(desc.arch);
  return { kernel: p.kernel, initrd: p.initrd };
}

export function createQemuBackend(): QemuBackend {
  return new QemuBackend({ argsOf: toQemuArgs, assetsFor: fetchedAssets });
}
