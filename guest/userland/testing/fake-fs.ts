// The stand-in kernel's file tree: absolute normalised paths to nodes.

export type FsNode =
  | { kind: 'dir'; mode: number }
  | { kind: 'file'; data: Uint8Array; mode: number }
  | { kind: 'native'; name: string; mode: number }
  | { kind: 'symlink'; target: string; mode: number };

export class FakeFs {
  readonly nodes = new Map<string, FsNode>([['/', { kind: 'dir', mode: 0o755 }]]);
  private inodes = new Map<string, number>();
  private nextIno = 2;
  /** Fixed modification time for every node (seconds since the epoch). */
  mtimeSec = 1_704_067_200;

  static normalize(path: string): string {
    const out: string[] = [];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return `/${out.join('/')}`;
  }

  static dirname(path: string): string {
    const i = path.lastIndexOf('/');
    return i <= 0 ? '/' : path.slice(0, i);
  }

  get(path: string): FsNode | undefined {
    return this.nodes.get(FakeFs.normalize(path));
  }

  ino(path: string): number {
    const p = FakeFs.normalize(path);
    let n = this.inodes.get(p);
    if (n === undefined) {
      n = this.nextIno++;
      this.inodes.set(p, n);
    }
    return n;
  }

  /** Creates a node and any missing parent directories. */
  put(path: string, node: FsNode): void {
    const p = FakeFs.normalize(path);
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!this.nodes.has(dir)) this.nodes.set(dir, { kind: 'dir', mode: 0o755 });
    }
    this.nodes.set(p, node);
  }

  writeFile(path: string, text: string, mode = 0o644): void {
    this.put(path, { kind: 'file', data: new TextEncoder().encode(text), mode });
  }

  readFile(path: string): string | undefined {
    const n = this.get(path);
    return n?.kind === 'file' ? new TextDecoder().decode(n.data) : undefined;
  }

  parentMissing(path: string): boolean {
    return this.get(FakeFs.dirname(path))?.kind !== 'dir';
  }

  /** Names directly inside a directory, sorted. */
  list(dir: string): string[] {
    const d = FakeFs.normalize(dir);
    const prefix = d === '/' ? '/' : `${d}/`;
    const names: string[] = [];
    for (const p of this.nodes.keys()) {
      if (p !== d && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.push(p.slice(prefix.length));
    }
    return names.sort();
  }
}
