// Renders docs/syscalls.md from the syscall table (run gen-docs.ts to rewrite it; a test
// checks the committed file is current).

import { SYSCALL_TABLE } from './table';

export function renderSyscallDocs(): string {
  const rows = [...SYSCALL_TABLE].sort((a, b) => (a.generic ?? 10000 + (a.x86_64 ?? 0)) - (b.generic ?? 10000 + (b.x86_64 ?? 0)));
  const count = (s: string) => rows.filter((r) => r.support === s).length;
  const lines = [
    '# Syscalls',
    '',
    '<!-- Generated from guest/kernel/syscalls/table.ts by `npx tsx guest/kernel/syscalls/gen-docs.ts`. Do not edit. -->',
    '',
    'One table serves every task: native programs trap with asm-generic (aarch64) numbers; ELF tasks on q35 use the',
    'x86_64 numbers, mapped onto the same handlers. An unsupported call returns `-ENOSYS` and logs one kernel line',
    'naming it (once per program and call).',
    '',
    `Supported: ${count('full')} · partially supported: ${count('partial')} · not supported: ${count('unsupported')}.`,
    '',
    '| Name | aarch64 | x86_64 | Support | Note |',
    '|------|--------:|-------:|---------|------|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.generic ?? '–'} | ${r.x86_64 ?? '–'} | ${r.support} | ${r.note.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}
