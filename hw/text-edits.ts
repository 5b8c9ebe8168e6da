// Pure, idempotent edits of the configuration files an install touches: the mkinitcpio
// MODULES array, a kernel command line (GRUB's GRUB_CMDLINE_LINUX_DEFAULT or a systemd-boot
// entry's `options`), merging parameters by name so applying twice changes nothing.

export const VFIO_MODULES = ['vfio_pci', 'vfio', 'vfio_iommu_type1'] as const;

/** Puts the VFIO modules first in MODULES=(...), keeping every other entry in its order. */
export function editMkinitcpio(text: string): string {
  const re = /^MODULES=\(([^)]*)\)/m;
  const m = re.exec(text);
  const mergeWith = (existing: string[]) => {
    const rest = existing.filter((e) => !(VFIO_MODULES as readonly string[]).includes(e.replace(/^["']|["']$/g, '')));
    return `MODULES=(${[...VFIO_MODULES, ...rest].join(' ')})`;
  };
  if (m) return text.slice(0, m.index) + mergeWith(m[1].split(/\s+/).filter(Boolean)) + text.slice(m.index + m[0].length);
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${sep}${mergeWith([])}\n`;
}

/** The parameter's name for merging: `vfio-pci.ids=a,b` → `vfio-pci.ids`; a bare flag is its own name. */
const paramKey = (p: string): string => (p.includes('=') ? p.slice(0, p.indexOf('=')) : p);

/**
 * Merges `params` into a space-separated command line: a parameter with the same name is
 * replaced where it stands, a new one appended. `intel_iommu` and `amd_iommu` exclude each other.
 */
export function mergeCmdline(line: string, params: readonly string[]): string {
  const words = line.split(/\s+/).filter(Boolean);
  const keys = new Set(params.map(paramKey));
  const rival = keys.has('intel_iommu') ? 'amd_iommu' : keys.has('amd_iommu') ? 'intel_iommu' : undefined;
  const out = words.filter((w) => paramKey(w) !== rival);
  for (const p of params) {
    const i = out.findIndex((w) => paramKey(w) === paramKey(p));
    if (i >= 0) out[i] = p;
    else out.push(p);
  }
  return out.join(' ');
}

/** Edits GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub (any quoting), adding the line if absent. */
export function editGrubDefault(text: string, params: readonly string[]): string {
  const re = /^GRUB_CMDLINE_LINUX_DEFAULT=(?:"([^"]*)"|'([^']*)'|(\S*))[^\S\n]*$/m;
  const m = re.exec(text);
  if (!m) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}GRUB_CMDLINE_LINUX_DEFAULT="${mergeCmdline('', params)}"\n`;
  }
  const current = m[1] ?? m[2] ?? m[3] ?? '';
  const line = `GRUB_CMDLINE_LINUX_DEFAULT="${mergeCmdline(current, params)}"`;
  return text.slice(0, m.index) + line + text.slice(m.index + m[0].length);
}

/** Edits a systemd-boot entry's `options` line (the first one), adding one if the entry has none. */
export function editBootEntry(text: string, params: readonly string[]): string {
  const re = /^options([^\S\n]+)(.*)$/m;
  const m = re.exec(text);
  if (!m) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}options ${mergeCmdline('', params)}\n`;
  }
  return text.slice(0, m.index) + `options${m[1]}${mergeCmdline(m[2], params)}` + text.slice(m.index + m[0].length);
}
