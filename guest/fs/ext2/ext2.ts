// The ext2 library's public face: inode-level operations a VFS maps its calls onto
// (lookup, read, write, create, mkdir, unlink, rmdir, rename, link, symlink, readlink,
// getattr/setattr, readdir, statfs, sync). Names are UTF-8 strings; results are values or
// -errno. Link counts, directory counts, times and free counts are kept as Linux keeps them.

import type { BlockDevice } from '../../block/block-device';
import { bmapAlloc } from './block-map';
import { addEntry, findEntry, isDotName, isEmptyDir, listEntries, removeEntry } from './dir';
import { emitDotBlock, fileTypeFromMode, NAME_MAX } from './dirent';
import { EEXIST, EINVAL, EISDIR, EMLINK, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EROFS, isErr, type Errno } from './errno';
import { readData, releaseInode, truncateData, writeData } from './file';
import { Ext2Fs, type MountError, type MountOptions } from './fs';
import {
  blankInode, decodeRdev, encodeRdev, FAST_SYMLINK_MAX, isDeviceNode, isDir, isFastSymlink, isReg, isSymlink, packFastSymlink, ROOT_INO, S_IFDIR, S_IFLNK,
  S_IFMT, S_IFREG, unpackFastSymlink, type Inode,
} from './inode';
import { statfsOf, type Statfs } from './statfs';
import { renameEntry } from './rename';

export { ROOT_INO };
export type { Statfs };
/** ext2's EXT2_LINK_MAX. */
export const LINK_MAX = 32000;

export interface Stat {
  ino: number;
  mode: number;
  links: number;
  uid: number;
  gid: number;
  sizeBytes: number;
  blocks512: number;
  atimeSec: number;
  mtimeSec: number;
  ctimeSec: number;
  blockSizeBytes: number;
  /** Device number (st_rdev encoding) of a character or block special file, else 0. */
  rdev: number;
}

export interface SetAttr {
  mode?: number;
  uid?: number;
  gid?: number;
  sizeBytes?: number;
  atimeSec?: number;
  mtimeSec?: number;
}

export interface DirListing {
  name: string;
  ino: number;
  /** The entry's file-type byte (1 regular, 2 directory, 7 symlink...). */
  fileType: number;
  pos: number;
}

export interface Ext2Options extends MountOptions {
  /** Whether an inode is still open; an unlinked open inode is freed later by evict(). */
  isOpen?: (ino: number) => boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Ext2 {
  private constructor(
    readonly fs: Ext2Fs,
    private readonly isOpen: (ino: number) => boolean,
  ) {}

  static mount(dev: BlockDevice, opts: Ext2Options = {}): Ext2 | MountError {
    const fs = Ext2Fs.mount(dev, opts);
    if (!(fs instanceof Ext2Fs)) return fs;
    return new Ext2(fs, opts.isOpen ?? (() => false));
  }

  get readonly(): boolean {
    return this.fs.readonly;
  }

  lookup(dirIno: number, name: string): number | Errno {
    const dir = this.dirInode(dirIno);
    if (isErr(dir)) return dir;
    const found = findEntry(this.fs, dir, enc.encode(name));
    if (isErr(found)) return found;
    const ino = found.inode;
    return this.fs.validIno(ino) ? ino : -ENOENT;
  }

  getattr(ino: number): Stat | Errno {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    return {
      ino, mode: i.mode, links: i.links, uid: i.uid, gid: i.gid, sizeBytes: i.sizeBytes, blocks512: i.blocks512,
      atimeSec: i.atime, mtimeSec: i.mtime, ctimeSec: i.ctime, blockSizeBytes: this.fs.blockSizeBytes,
      rdev: isDeviceNode(i) ? decodeRdev(i.block) : 0,
    };
  }

  setattr(ino: number, a: SetAttr): Errno | 0 {
    if (this.fs.readonly) return -EROFS;
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (a.sizeBytes !== undefined) {
      if (isDir(i)) return -EISDIR;
      if (!isReg(i)) return -EINVAL;
      const r = truncateData(this.fs, i, a.sizeBytes);
      if (r !== 0) return r;
      i.mtime = this.fs.nowSec();
    }
    if (a.mode !== undefined) i.mode = (i.mode & S_IFMT) | (a.mode & 0o7777);
    if (a.uid !== undefined) i.uid = a.uid;
    if (a.gid !== undefined) i.gid = a.gid;
    if (a.atimeSec !== undefined) i.atime = a.atimeSec;
    if (a.mtimeSec !== undefined) i.mtime = a.mtimeSec;
    i.ctime = this.fs.nowSec();
    return this.fs.writeInode(ino, i);
  }

  read(ino: number, offsetBytes: number, lenBytes: number): Uint8Array | Errno {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (isDir(i)) return -EISDIR;
    if (offsetBytes < 0 || lenBytes < 0) return -EINVAL;
    return readData(this.fs, i, offsetBytes, lenBytes);
  }

  /** Bytes written (short only when the disk fills) or -errno. */
  write(ino: number, offsetBytes: number, data: Uint8Array): number | Errno {
    if (this.fs.readonly) return -EROFS;
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (isDir(i)) return -EISDIR;
    if (!isReg(i) || offsetBytes < 0) return -EINVAL;
    if (data.length === 0) return 0;
    const n = writeData(this.fs, i, ino, offsetBytes, data);
    if (isErr(n)) return n;
    i.mtime = i.ctime = this.fs.nowSec();
    const w = this.fs.writeInode(ino, i);
    return w === 0 ? n : w;
  }

  truncate(ino: number, sizeBytes: number): Errno | 0 {
    return this.setattr(ino, { sizeBytes });
  }

  /** A regular file, or with a type in `mode` a fifo, socket or device node (mknod). */
  create(dirIno: number, name: string, mode: number, uid = 0, gid = 0, rdev = 0): number | Errno {
    const type = mode & S_IFMT || S_IFREG;
    if (type === S_IFDIR || type === S_IFLNK) return -EINVAL;
    return this.newInode(dirIno, name, type | (mode & 0o7777), uid, gid, (_ino, inode) => {
      if (isDeviceNode(inode)) inode.block = encodeRdev(rdev);
      return 0;
    });
  }

  mkdir(dirIno: number, name: string, mode: number, uid = 0, gid = 0): number | Errno {
    const parent = this.dirInode(dirIno);
    if (isErr(parent)) return parent;
    if (parent.links >= LINK_MAX) return -EMLINK;
    const ino = this.newInode(dirIno, name, S_IFDIR | (mode & 0o7777), uid, gid, (self, inode) => {
      const groupStart = this.fs.sb.firstDataBlock + Math.floor((self - 1) / this.fs.sb.inodesPerGroup) * this.fs.sb.blocksPerGroup;
      const mapped = bmapAlloc(this.fs, inode, 0, groupStart);
      if (isErr(mapped)) return mapped;
      inode.sizeBytes = this.fs.blockSizeBytes;
      inode.links = 2;
      return this.fs.writeBlock(mapped.block, emitDotBlock(this.fs.blockSizeBytes, self, dirIno));
    });
    if (isErr(ino)) return ino;
    const r = this.adjustLinks(dirIno, +1);
    return r === 0 ? ino : r;
  }

  symlink(dirIno: number, name: string, target: string): number | Errno {
    const t = enc.encode(target);
    if (t.length === 0) return -ENOENT;
    if (t.length >= this.fs.blockSizeBytes) return -ENAMETOOLONG;
    return this.newInode(dirIno, name, S_IFLNK | 0o777, 0, 0, (self, inode) => {
      if (t.length < FAST_SYMLINK_MAX) {
        inode.block = packFastSymlink(t);
        inode.sizeBytes = t.length;
        return 0;
      }
      const n = writeData(this.fs, inode, self, 0, t);
      return isErr(n) ? n : 0;
    });
  }

  readlink(ino: number): string | Errno {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (!isSymlink(i)) return -EINVAL;
    if (isFastSymlink(i, this.fs.blockSizeBytes)) return dec.decode(unpackFastSymlink(i.block, i.sizeBytes));
    const d = readData(this.fs, i, 0, Math.min(i.sizeBytes, this.fs.blockSizeBytes));
    return isErr(d) ? d : dec.decode(d);
  }

  link(ino: number, dirIno: number, name: string): Errno | 0 {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (isDir(i)) return -EPERM;
    if (i.links >= LINK_MAX) return -EMLINK;
    const dir = this.dirForInsert(dirIno, name);
    if (isErr(dir)) return dir;
    const r = addEntry(this.fs, dirIno, dir, enc.encode(name), ino, fileTypeFromMode(i.mode));
    if (r !== 0) return r;
    return this.adjustLinks(ino, +1);
  }

  unlink(dirIno: number, name: string): Errno | 0 {
    const found = this.findIn(dirIno, name);
    if (isErr(found)) return found;
    const ino = found.inode;
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (isDir(i)) return -EISDIR;
    const r = removeEntry(this.fs, dirIno, found);
    if (r !== 0) return r;
    this.touchDir(dirIno);
    return this.dropLink(ino);
  }

  rmdir(dirIno: number, name: string): Errno | 0 {
    if (name === '.') return -EINVAL;
    if (name === '..') return -ENOTEMPTY;
    const found = this.findIn(dirIno, name);
    if (isErr(found)) return found;
    const ino = found.inode;
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (!isDir(i)) return -ENOTDIR;
    const empty = isEmptyDir(this.fs, i);
    if (isErr(empty)) return empty;
    if (!empty) return -ENOTEMPTY;
    const r = removeEntry(this.fs, dirIno, found);
    if (r !== 0) return r;
    this.touchDir(dirIno);
    const p = this.adjustLinks(dirIno, -1);
    if (p !== 0) return p;
    return this.releaseOrKeep(ino, i);
  }

  rename(oldDirIno: number, oldName: string, newDirIno: number, newName: string): Errno | 0 {
    return renameEntry(this, oldDirIno, oldName, newDirIno, newName);
  }

  readdir(dirIno: number): DirListing[] | Errno {
    const dir = this.dirInode(dirIno);
    if (isErr(dir)) return dir;
    const all = listEntries(this.fs, dir);
    if (isErr(all)) return all;
    return all.map((e) => ({ name: dec.decode(e.name), ino: e.ino, fileType: e.fileType, pos: e.pos }));
  }

  statfs(): Statfs {
    return statfsOf(this.fs);
  }

  sync(): Errno | 0 {
    return this.fs.sync();
  }

  /** Data goes to the device as it is written, so fsync of one inode is a device sync. */
  fsync(ino: number): Errno | 0 {
    if (!this.fs.validIno(ino)) return -EINVAL;
    return this.fs.sync();
  }

  remount(readonly: boolean): MountError | null {
    return this.fs.remount(readonly);
  }

  unmount(): Errno | 0 {
    return this.fs.unmount();
  }

  /** The last close of an inode: free it if no link names it any more. */
  evict(ino: number): Errno | 0 {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    if (i.links > 0 || i.dtime !== 0 || this.fs.readonly) return 0;
    return releaseInode(this.fs, ino, i);
  }

  // ---- shared helpers (also used by rename.ts) ----------------------------------------

  dirInode(dirIno: number): Inode | Errno {
    const d = this.fs.readInode(dirIno);
    if (isErr(d)) return d;
    return isDir(d) ? d : -ENOTDIR;
  }

  findIn(dirIno: number, name: string): ReturnType<typeof findEntry> {
    if (this.fs.readonly) return -EROFS;
    const dir = this.dirInode(dirIno);
    if (isErr(dir)) return dir;
    return findEntry(this.fs, dir, enc.encode(name));
  }

  /** The directory inode when `name` may be inserted into it (valid and absent). */
  dirForInsert(dirIno: number, name: string): Inode | Errno {
    if (this.fs.readonly) return -EROFS;
    const bytes = enc.encode(name);
    if (bytes.length === 0 || name.includes('/') || name.includes('\0')) return -EINVAL;
    if (bytes.length > NAME_MAX) return -ENAMETOOLONG;
    const dir = this.dirInode(dirIno);
    if (isErr(dir)) return dir;
    if (dir.links === 0) return -ENOENT;
    if (isDotName(bytes)) return -EEXIST;
    const found = findEntry(this.fs, dir, bytes);
    if (!isErr(found)) return -EEXIST;
    return found === -ENOENT ? dir : found;
  }

  adjustLinks(ino: number, delta: number): Errno | 0 {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    i.links = Math.max(0, i.links + delta);
    i.ctime = this.fs.nowSec();
    return this.fs.writeInode(ino, i);
  }

  touchDir(dirIno: number): void {
    const d = this.fs.readInode(dirIno);
    if (isErr(d)) return;
    d.mtime = d.ctime = this.fs.nowSec();
    this.fs.writeInode(dirIno, d);
  }

  /** One name fewer for a non-directory; freed at zero unless still open. */
  dropLink(ino: number): Errno | 0 {
    const i = this.fs.readInode(ino);
    if (isErr(i)) return i;
    i.links = Math.max(0, i.links - 1);
    i.ctime = this.fs.nowSec();
    if (i.links > 0) return this.fs.writeInode(ino, i);
    return this.releaseOrKeep(ino, i);
  }

  releaseOrKeep(ino: number, i: Inode): Errno | 0 {
    i.links = 0;
    if (this.isOpen(ino)) return this.fs.writeInode(ino, i);
    return releaseInode(this.fs, ino, i);
  }

  private newInode(dirIno: number, name: string, mode: number, uid: number, gid: number, init: (ino: number, inode: Inode) => Errno | 0): number | Errno {
    const dir = this.dirForInsert(dirIno, name);
    if (isErr(dir)) return dir;
    const ino = this.fs.allocInode(dirIno, (mode & S_IFMT) === S_IFDIR);
    if (isErr(ino)) return ino;
    const inode = blankInode(this.fs.inodeSizeBytes);
    const now = this.fs.nowSec();
    Object.assign(inode, { mode, uid, gid, links: 1, atime: now, mtime: now, ctime: now });
    const undo = (err: Errno): Errno => {
      releaseInode(this.fs, ino, inode);
      return err;
    };
    const r = init(ino, inode);
    if (r !== 0) return undo(r);
    const w = this.fs.writeInode(ino, inode);
    if (w !== 0) return undo(w);
    const parent = this.dirInode(dirIno);
    if (isErr(parent)) return undo(parent);
    const a = addEntry(this.fs, dirIno, parent, enc.encode(name), ino, fileTypeFromMode(mode));
    return a === 0 ? ino : undo(a);
  }
}
