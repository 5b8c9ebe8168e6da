// `hw export-sysfs DIR`: a SysfsView written out as a real directory tree, links as relative
// symlinks, so tools written for real hosts (pciutils' lspci, the seed's Python scanner,
// capture.sh) run against a simulated machine. Only the subtrees those tools read are written.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SysfsView } from './sysfs-view';

export const EXPORTED_SUBTREES = ['/bus/pci', '/devices', '/kernel/iommu_groups', '/class/drm', '/class/iommu', '/module'];
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 40;

export interface ExportStats {
  dirs: number;
  files: number;
  links: number;
}

type Entry = { kind: 'dir' } | { kind: 'link'; target: string } | { kind: 'file'; text: string };

function classify(view: SysfsView, path: string): Entry | undefined {
  const target = view.readlink(path);
  if (target !== undefined) return { kind: 'link', target };
  if (view.list(path) !== undefined) return { kind: 'dir' };
  if (!view.exists(path)) return undefined;
  // Write-only attributes (bind, unbind, new_id) exist but read as nothing.
  return { kind: 'file', text: view.read(path) ?? '' };
}

/** Writes the tree; throws only on host filesystem errors (the caller reports them). */
export function exportSysfs(view: SysfsView, outDir: string): ExportStats {
  const stats: ExportStats = { dirs: 0, files: 0, links: 0 };
  const walk = (path: string, depth: number): void => {
    if (depth > MAX_DEPTH || stats.dirs + stats.files + stats.links > MAX_ENTRIES) return;
    const e = classify(view, path);
    if (!e) return;
    const host = join(outDir, path);
    if (e.kind === 'link') {
      symlinkSync(e.target, host);
      stats.links++;
    } else if (e.kind === 'file') {
      writeFileSync(host, Buffer.from(e.text, 'latin1'));
      stats.files++;
    } else {
      mkdirSync(host, { recursive: true });
      stats.dirs++;
      for (const name of view.list(path) ?? []) walk(`${path}/${name}`, depth + 1);
    }
  };
  mkdirSync(outDir, { recursive: true });
  for (const sub of EXPORTED_SUBTREES) {
    if (!view.exists(sub)) continue;
    mkdirSync(join(outDir, sub.slice(0, sub.lastIndexOf('/'))), { recursive: true });
    walk(sub, 0);
  }
  return stats;
}
