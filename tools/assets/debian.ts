// Fetching Debian packages for another architecture with the stock apt tools: a private
// package-list directory per architecture, `apt-get download` into a cache, `dpkg-deb -x`
// to unpack. Nothing is committed; everything lands under the cache directory.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type DebArch = 'arm64' | 'amd64';

export class AptArch {
  private readonly listsDir: string;

  constructor(
    readonly arch: DebArch,
    readonly cacheDir: string,
  ) {
    this.listsDir = join(cacheDir, 'apt-lists');
  }

  private options(): string[] {
    return [`-oAPT::Architecture=${this.arch}`, `-oAPT::Architectures=${this.arch}`, `-oDir::State::Lists=${this.listsDir}`];
  }

  update(): void {
    mkdirSync(join(this.listsDir, 'partial'), { recursive: true });
    execFileSync('apt-get', [...this.options(), '-qq', 'update'], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** The first package a virtual/meta package depends on (`linux-image-6.12-cloud-arm64` → the versioned image). */
  resolveDependency(meta: string): string | undefined {
    const out = execFileSync('apt-cache', [...this.options(), 'depends', meta], { encoding: 'utf8' });
    const m = /^\s+Depends: (\S+)/m.exec(out);
    return m?.[1];
  }

  version(pkg: string): string | undefined {
    const out = execFileSync('apt-cache', [...this.options(), 'policy', pkg], { encoding: 'utf8' });
    const m = /Candidate: (\S+)/.exec(out);
    return m && m[1] !== '(none)' ? m[1] : undefined;
  }

  /** Downloads `pkg` into `dir` (once) and returns the .deb path. */
  download(pkg: string, dir: string): string {
    mkdirSync(dir, { recursive: true });
    const existing = () => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${this.arch}.deb`));
    if (!existing()) {
      execFileSync('apt-get', [...this.options(), '-qq', 'download', pkg], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    }
    const deb = existing();
    if (!deb) throw new Error(`assets: apt-get download ${pkg} (${this.arch}) produced no .deb`);
    return join(dir, deb);
  }
}

export function extractDeb(deb: string, into: string): void {
  mkdirSync(into, { recursive: true });
  execFileSync('dpkg-deb', ['-x', deb, into]);
}

export function requireTools(tools: string[]): string | undefined {
  const missing = tools.filter((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length > 0 ? `assets: missing host tools: ${missing.join(', ')} (Debian: apt-get install apt dpkg xz-utils)` : undefined;
}

export function isDir(p: string): boolean {
  return existsSync(p);
}
