// The installed system a boot comes from. On a real machine the boot loader reads its
// entry (systemd-boot's /boot/loader/entries/*.conf `options`, or the kernel line
// grub-mkconfig builds from /etc/default/grub) and mkinitcpio -P has packed the root's
// /etc/mkinitcpio.conf MODULES and /etc/modprobe.d into the initramfs. twinbox's native
// userland keeps its tmpfs root, so with `root=/dev/vdX` (an ext2 disk) the kernel reads
// those files from that disk at boot instead: the same inputs, without a real boot loader.

import { Ext2 } from '../../fs/ext2/ext2';
import type { FsNode } from '../../fs/node';
import { fileRead } from '../../fs/tmpfs';
import { storageOf } from '../../kernel/storage';
import type { Kernel } from '../../kernel/kernel';

/** Read-only access to a root directory tree: a file's text, a directory's names (sorted). */
export interface RootReader {
  readText(path: string): string | undefined;
  list(dir: string): string[];
}

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000;
const ROOT_INO = 2, MAX_CONFIG_BYTES = 1 << 20;

function ext2Reader(fs: Ext2): RootReader {
  const walk = (path: string): number | undefined => {
    let ino = ROOT_INO;
    for (const part of path.split('/').filter((p) => p !== '')) {
      const next = fs.lookup(ino, part);
      if (next < 0) return undefined;
      ino = next;
    }
    return ino;
  };
  return {
    readText: (path) => {
      const ino = walk(path);
      const st = ino === undefined ? undefined : fs.getattr(ino);
      if (ino === undefined || !st || typeof st === 'number' || (st.mode & S_IFMT) !== S_IFREG) return undefined;
      const data = fs.read(ino, 0, Math.min(st.sizeBytes, MAX_CONFIG_BYTES));
      return typeof data === 'number' ? undefined : new TextDecoder().decode(data);
    },
    list: (dir) => {
      const ino = walk(dir);
      const st = ino === undefined ? undefined : fs.getattr(ino);
      if (ino === undefined || !st || typeof st === 'number' || (st.mode & S_IFMT) !== S_IFDIR) return [];
      const l = fs.readdir(ino);
      return typeof l === 'number' ? [] : l.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
    },
  };
}

/** The kernel's own root (tmpfs): what /etc/modprobe.d holds when no installed root is named. */
export function tmpfsReader(root: FsNode): RootReader {
  const walk = (path: string): FsNode | undefined => {
    let n: FsNode | undefined = root;
    for (const part of path.split('/').filter((p) => p !== '')) n = n?.children?.get(part);
    return n;
  };
  return {
    readText: (path) => {
      const n = walk(path);
      if (!n || n.kind !== 'file') return undefined;
      return new TextDecoder().decode(fileRead(n, 0, Math.min(n.size, MAX_CONFIG_BYTES)));
    },
    list: (dir) => {
      const n = walk(dir);
      return n?.kind === 'dir' && n.children ? [...n.children.keys()].sort() : [];
    },
  };
}

export interface TargetRoot {
  device: string;
  reader: RootReader;
  /** Where the boot loader's options came from, if it found any. */
  entry?: { file: string; options: string };
}

/** Opens `root=/dev/vdX` read-only, if it names an ext2 disk; the caller reads at boot only. */
export function openTargetRoot(k: Kernel, cmdline: string): TargetRoot | string | undefined {
  const dev = /(?:^|\s)root=\/dev\/(\S+)/.exec(cmdline)?.[1];
  if (!dev) return undefined;
  const node = storageOf(k).disks.nodes().find((n) => n.name === dev);
  if (!node) return `root=/dev/${dev}: no such block device`;
  const fs = Ext2.mount(node.dev, { readonly: true, name: node.name });
  if (!(fs instanceof Ext2)) return `root=/dev/${dev}: ${fs.message}`;
  const reader = snapshotReader(ext2Reader(fs));
  fs.unmount();
  node.disk.cache.dropClean();
  return { device: `/dev/${dev}`, reader, entry: bootEntry(reader) };
}

/**
 * The files a boot reads, taken while the disk is open, so later reads do not go to a disk
 * the guest may be writing through its own mount.
 */
function snapshotReader(r: RootReader): RootReader {
  const files = new Map<string, string | undefined>();
  const dirs = new Map<string, string[]>();
  for (const dir of ['/etc/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d', '/etc/modules-load.d', '/boot/loader/entries']) {
    const names = r.list(dir);
    dirs.set(dir, names);
    for (const n of names) files.set(`${dir}/${n}`, r.readText(`${dir}/${n}`));
  }
  for (const f of ['/etc/mkinitcpio.conf', '/etc/default/grub', '/boot/loader/loader.conf']) files.set(f, r.readText(f));
  return { readText: (p) => files.get(p), list: (d) => dirs.get(d) ?? [] };
}

/** systemd-boot's default entry (loader.conf `default`, else the first by name), else GRUB's kernel line. */
export function bootEntry(r: RootReader): { file: string; options: string } | undefined {
  const entries = r.list('/boot/loader/entries').filter((n) => n.endsWith('.conf'));
  if (entries.length) {
    const def = /^\s*default\s+(\S+)/m.exec(r.readText('/boot/loader/loader.conf') ?? '')?.[1];
    const pick = (def && entries.find((e) => e === def || e === `${def}.conf`)) || entries[0]!;
    const text = r.readText(`/boot/loader/entries/${pick}`) ?? '';
    const options = [...text.matchAll(/^\s*options\s+(.*)$/gm)].map((m) => m[1]!.trim()).join(' ');
    return { file: `/boot/loader/entries/${pick}`, options };
  }
  const grub = r.readText('/etc/default/grub');
  if (grub === undefined) return undefined;
  const value = (key: string) => {
    const m = new RegExp(`^\\s*${key}=(?:"([^"]*)"|'([^']*)'|(\\S*))`, 'm').exec(grub);
    return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
  };
  const options = [value('GRUB_CMDLINE_LINUX'), value('GRUB_CMDLINE_LINUX_DEFAULT')].filter((s) => s !== '').join(' ');
  return { file: '/etc/default/grub', options };
}
