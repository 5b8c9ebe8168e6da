// rename(2) at the inode level, as Linux's ext2_rename: the new name is made to point at the
// source (replacing a file, or an empty directory when the source is one), the old name is
// removed, and a directory that changed parents gets its ".." and both parents' link counts fixed.

import { addEntry, findEntry, isEmptyDir, removeEntry, retargetEntry } from './dir';
import { fileTypeFromMode, FT_DIR } from './dirent';
import { EINVAL, EISDIR, EMLINK, ENOENT, ENOTDIR, ENOTEMPTY, isErr, type Errno } from './errno';
import { LINK_MAX, type Ext2 } from './ext2';
import { isDir, ROOT_INO, type Inode } from './inode';

const enc = new TextEncoder();

/** rename(2) on inodes. */
export function renameEntry(x: Ext2, oldDirIno: number, oldName: string, newDirIno: number, newName: string): Errno | 0 {
  const fs = x.fs;
  if (oldName === '.' || oldName === '..' || newName === '.' || newName === '..') return -EINVAL;
  const src = x.findIn(oldDirIno, oldName);
  if (isErr(src)) return src;
  const srcInode = fs.readInode(src.inode);
  if (isErr(srcInode)) return srcInode;
  const s: Source = { ino: src.inode, inode: srcInode, isDir: isDir(srcInode) };
  if (oldDirIno === newDirIno && oldName === newName) return 0;
  if (s.isDir) {
    const loop = isAncestor(x, s.ino, newDirIno);
    if (isErr(loop)) return loop;
    if (loop) return -EINVAL;
  }
  const placed = placeAtDestination(x, s, oldDirIno, newDirIno, newName);
  if (placed === 'same') return 0;
  if (isErr(placed)) return placed;
  // Find the old name again: inserting may have rewritten the block it sits in.
  const again = x.findIn(oldDirIno, oldName);
  if (isErr(again)) return again;
  const rm = removeEntry(fs, oldDirIno, again);
  if (rm !== 0) return rm;
  x.touchDir(oldDirIno);
  x.touchDir(newDirIno);
  x.adjustLinks(s.ino, 0);
  return fixParents(x, s, oldDirIno, newDirIno, placed.replacedDir);
}

interface Source {
  ino: number;
  inode: Inode;
  isDir: boolean;
}

/** Makes `newName` in `newDirIno` name the source: a new entry, or an existing one retargeted. */
function placeAtDestination(x: Ext2, s: Source, oldDirIno: number, newDirIno: number, newName: string): { replacedDir: boolean } | 'same' | Errno {
  const fs = x.fs;
  const newDir = x.dirInode(newDirIno);
  if (isErr(newDir)) return newDir;
  const dst = findEntry(fs, newDir, enc.encode(newName));
  if (isErr(dst)) {
    if (dst !== -ENOENT) return dst;
    const ok = x.dirForInsert(newDirIno, newName);
    if (isErr(ok)) return ok;
    if (s.isDir && oldDirIno !== newDirIno && ok.links >= LINK_MAX) return -EMLINK;
    const r = addEntry(fs, newDirIno, ok, enc.encode(newName), s.ino, fileTypeFromMode(s.inode.mode));
    return r === 0 ? { replacedDir: false } : r;
  }
  if (dst.inode === s.ino) return 'same';
  const dstInode = fs.readInode(dst.inode);
  if (isErr(dstInode)) return dstInode;
  const replacedDir = isDir(dstInode);
  if (replacedDir) {
    if (!s.isDir) return -EISDIR;
    const empty = isEmptyDir(fs, dstInode);
    if (isErr(empty)) return empty;
    if (!empty) return -ENOTEMPTY;
  } else if (s.isDir) return -ENOTDIR;
  const r = retargetEntry(fs, dst, s.ino, fileTypeFromMode(s.inode.mode));
  if (r !== 0) return r;
  const d = replacedDir ? x.releaseOrKeep(dst.inode, dstInode) : x.dropLink(dst.inode);
  return d === 0 ? { replacedDir } : d;
}

/** Link counts of the parents (2 + subdirectories) and a moved directory's "..". */
function fixParents(x: Ext2, s: Source, oldDirIno: number, newDirIno: number, replacedDir: boolean): Errno | 0 {
  if (!s.isDir || oldDirIno === newDirIno) return replacedDir ? x.adjustLinks(newDirIno, -1) : 0;
  const moved = x.dirInode(s.ino);
  if (isErr(moved)) return moved;
  const dotdot = findEntry(x.fs, moved, Uint8Array.of(0x2e, 0x2e));
  if (isErr(dotdot)) return dotdot;
  const r = retargetEntry(x.fs, dotdot, newDirIno, FT_DIR);
  if (r !== 0) return r;
  const a = x.adjustLinks(oldDirIno, -1);
  if (a !== 0) return a;
  return replacedDir ? 0 : x.adjustLinks(newDirIno, +1);
}

/** Whether `ancestor` is `ino` or one of its parents, following ".." up to the root. */
function isAncestor(x: Ext2, ancestor: number, ino: number): boolean | Errno {
  let cur = ino;
  for (let steps = 0; steps < x.fs.sb.inodesCount; steps++) {
    if (cur === ancestor) return true;
    if (cur === ROOT_INO) return false;
    const parent = x.lookup(cur, '..');
    if (isErr(parent)) return parent;
    cur = parent;
  }
  return -EINVAL;
}
