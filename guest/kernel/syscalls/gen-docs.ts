// Writes docs/syscalls.md from the table: `npx tsx guest/kernel/syscalls/gen-docs.ts`.
// A host-side tool, not kernel code.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSyscallDocs } from './docs';

const target = fileURLToPath(new URL('../../../docs/syscalls.md', import.meta.url));
writeFileSync(target, renderSyscallDocs());
console.log(`wrote ${target}`);
