import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SYSCALL_TABLE, orphanHandlers, syscallByNumber } from './table';
import { renderSyscallDocs } from './docs';

describe('syscall table', () => {
  it('has no handler without a number, and no duplicate numbers', () => {
    expect(orphanHandlers()).toEqual([]);
    const g = SYSCALL_TABLE.filter((e) => e.generic !== undefined).map((e) => e.generic);
    const x = SYSCALL_TABLE.filter((e) => e.x86_64 !== undefined).map((e) => e.x86_64);
    expect(new Set(g).size).toBe(g.length);
    expect(new Set(x).size).toBe(x.length);
  });

  it('maps well-known numbers on both ABIs to the same handlers', () => {
    for (const [name, g, x] of [['read', 63, 0], ['write', 64, 1], ['openat', 56, 257], ['clone', 220, 56], ['execve', 221, 59],
      ['exit_group', 94, 231], ['wait4', 260, 61], ['mmap', 222, 9], ['getpid', 172, 39], ['ppoll', 73, 271]] as const) {
      expect(syscallByNumber('generic', g)?.name).toBe(name);
      expect(syscallByNumber('x86_64', x)?.name).toBe(name);
      expect(syscallByNumber('x86_64', x)?.handler).toBe(syscallByNumber('generic', g)?.handler);
    }
    expect(syscallByNumber('x86_64', 57)?.name).toBe('fork');
  });

  it('docs/syscalls.md is generated from the table and up to date', () => {
    const path = fileURLToPath(new URL('../../../docs/syscalls.md', import.meta.url));
    expect(readFileSync(path, 'utf8')).toBe(renderSyscallDocs());
  });
});
