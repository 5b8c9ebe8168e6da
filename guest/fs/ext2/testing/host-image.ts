// Host-side helpers for oracle tests: a BlockDevice over an image file and wrappers around
// e2fsprogs (mkfs.ext2, e2fsck -fn, debugfs). Test-only; never imported by guest code.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlockDevice } from '../../../block/block-device';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function mkfsExt2(path: string, sizeBytes: number, args: string[] = []): void {
  writeFileSync(path, new Uint8Array(0));
  execFileSync('truncate', ['-s', String(sizeBytes), path]);
  execFileSync('mkfs.ext2', ['-q', '-F', ...args, path], { env: { ...process.env, E2FSPROGS_FAKE_TIME: '1700000000' } });
}

/** The whole image in memory (tests write it back with saveImage). */
export function loadImage(path: string): MemoryBlockDevice {
  return new MemoryBlockDevice(new Uint8Array(readFileSync(path)));
}

export function saveImage(path: string, dev: MemoryBlockDevice): void {
  writeFileSync(path, dev.bytes);
}

export interface FsckResult {
  status: number;
  output: string;
}

export function e2fsck(path: string): FsckResult {
  const r = spawnSync('e2fsck', ['-fn', path], { encoding: 'utf8', env: { ...process.env, E2FSPROGS_FAKE_TIME: '1700000000' } });
  return { status: r.status ?? -1, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** e2fsck's five pass headers and the summary line are the only lines a clean check prints. */
export function fsckProblems(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => !/^Pass [1-5]: /.test(l) && !/^e2fsck \d/.test(l) && !/: \d+\/\d+ files \(/.test(l));
}

export function debugfs(path: string, request: string, write = false): string {
  const args = write ? ['-w', '-R', request, path] : ['-R', request, path];
  const r = spawnSync('debugfs', args, { encoding: 'buffer' });
  return (r.stdout ?? Buffer.alloc(0)).toString('latin1');
}

export function debugfsCat(path: string, file: string): Uint8Array {
  const r = spawnSync('debugfs', ['-R', `cat ${file}`, path], { encoding: 'buffer', maxBuffer: 1 << 30 });
  return new Uint8Array(r.stdout ?? Buffer.alloc(0));
}

/** Several debugfs requests in one run (some, like mknod, only take a name in the current directory). */
export function debugfsScript(path: string, requests: string[], write = false): string {
  const args = write ? ['-w', '-f', '-', path] : ['-f', '-', path];
  const r = spawnSync('debugfs', args, { input: requests.join('\n') + '\n', encoding: 'utf8' });
  return r.stdout ?? '';
}
