// Applying a vfio-config plan under a target root (the installer's mounted system): which files
// change and to what. Pure: it reads through `TargetFiles` and returns the writes, so the host
// CLI (node:fs) and the guest applet (syscalls) perform them; files already right are not
// rewritten, which makes a second apply a no-op.

import { editBootEntry, editGrubDefault, editMkinitcpio } from './text-edits';
import type { VfioPlan } from './vfio-config';

export interface TargetFiles {
  read(path: string): string | undefined;
  list(dir: string): string[] | undefined;
}

export type Bootloader = 'grub' | 'systemd-boot';

export interface FileWrite {
  /** Relative to the target root, no leading slash. */
  path: string;
  text: string;
}

export interface ApplyResult {
  writes: FileWrite[];
  /** One line per file: written, unchanged, or skipped and why. */
  report: string[];
  bootloader: Bootloader | undefined;
  error: string | undefined;
}

export const VFIO_CONF = 'etc/modprobe.d/vfio.conf';
export const MKINITCPIO_CONF = 'etc/mkinitcpio.conf';
export const GRUB_DEFAULT = 'etc/default/grub';
/** Where systemd-boot's entries live, by ESP mount point. */
export const LOADER_ENTRY_DIRS = ['boot/loader/entries', 'efi/loader/entries', 'boot/efi/loader/entries'];

export function detectBootloader(files: TargetFiles): Bootloader | undefined {
  if (files.read(GRUB_DEFAULT) !== undefined) return 'grub';
  if (LOADER_ENTRY_DIRS.some((d) => (files.list(d) ?? []).some((n) => n.endsWith('.conf')))) return 'systemd-boot';
  return undefined;
}

function change(writes: FileWrite[], report: string[], path: string, before: string | undefined, after: string): void {
  if (before === after) {
    report.push(`unchanged: /${path}`);
    return;
  }
  writes.push({ path, text: after });
  report.push(`${before === undefined ? 'created' : 'updated'}: /${path}`);
}

function bootEdits(plan: VfioPlan, files: TargetFiles, loader: Bootloader, writes: FileWrite[], report: string[]): string | undefined {
  if (loader === 'grub') {
    const before = files.read(GRUB_DEFAULT);
    if (before === undefined) return `--bootloader grub: /${GRUB_DEFAULT} not found in the target root`;
    change(writes, report, GRUB_DEFAULT, before, editGrubDefault(before, plan.kernelParams));
    report.push('next: grub-mkconfig -o /boot/grub/grub.cfg (in the target)');
    return undefined;
  }
  const entries = LOADER_ENTRY_DIRS.flatMap((d) => (files.list(d) ?? []).filter((n) => n.endsWith('.conf')).sort().map((n) => `${d}/${n}`));
  if (entries.length === 0) return `--bootloader systemd-boot: no loader entries (${LOADER_ENTRY_DIRS.map((d) => `/${d}`).join(', ')}) in the target root`;
  for (const e of entries) {
    const before = files.read(e);
    if (before !== undefined) change(writes, report, e, before, editBootEntry(before, plan.kernelParams));
  }
  return undefined;
}

export function applyPlan(plan: VfioPlan, files: TargetFiles, requested: Bootloader | undefined): ApplyResult {
  const writes: FileWrite[] = [];
  const report: string[] = [];
  const loader = requested ?? detectBootloader(files);
  if (!loader) {
    return { writes: [], report: [], bootloader: undefined, error: 'no bootloader configuration in the target root (/etc/default/grub or loader entries); pass --bootloader' };
  }
  const bootError = bootEdits(plan, files, loader, writes, report);
  if (bootError) return { writes: [], report: [], bootloader: loader, error: bootError };
  change(writes, report, VFIO_CONF, files.read(VFIO_CONF), plan.vfioConf);
  const mk = files.read(MKINITCPIO_CONF);
  if (mk === undefined) report.push(`skipped: /${MKINITCPIO_CONF} (not present: not an mkinitcpio system)`);
  else {
    change(writes, report, MKINITCPIO_CONF, mk, editMkinitcpio(mk));
    report.push('next: mkinitcpio -P (in the target)');
  }
  // Keep the report's file lines first and the follow-up commands last.
  report.sort((a, b) => Number(a.startsWith('next:')) - Number(b.startsWith('next:')));
  return { writes, report, bootloader: loader, error: undefined };
}
