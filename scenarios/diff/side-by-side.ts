// A side-by-side rendering of two texts' line difference, like `diff -y`: equal lines once
// per side, changed lines paired with `|`, lines only on one side with `<` or `>`.

import { diffLines } from 'diff';

export interface SideBySideOptions {
  widthChars: number;
  leftTitle: string;
  rightTitle: string;
}

function cell(text: string, width: number): string {
  const t = text.length > width ? text.slice(0, width - 1) + '…' : text;
  return t.padEnd(width);
}

export function sideBySide(left: string, right: string, opts: SideBySideOptions): string {
  const half = Math.max(20, Math.floor((opts.widthChars - 3) / 2));
  const rows: string[] = [`${cell(opts.leftTitle, half)}   ${opts.rightTitle}`];
  const parts = diffLines(left.endsWith('\n') ? left : left + '\n', right.endsWith('\n') ? right : right + '\n');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const lines = p.value.replace(/\n$/, '').split('\n');
    if (!p.added && !p.removed) {
      for (const l of lines) rows.push(`${cell(l, half)}   ${l}`);
    } else if (p.removed && parts[i + 1]?.added) {
      const added = parts[i + 1].value.replace(/\n$/, '').split('\n');
      const n = Math.max(lines.length, added.length);
      for (let k = 0; k < n; k++) {
        const l = lines[k];
        const r = added[k];
        const mark = l !== undefined && r !== undefined ? '|' : l !== undefined ? '<' : '>';
        rows.push(`${cell(l ?? '', half)} ${mark} ${r ?? ''}`);
      }
      i++;
    } else if (p.removed) {
      for (const l of lines) rows.push(`${cell(l, half)} <`);
    } else {
      for (const l of lines) rows.push(`${cell('', half)} > ${l}`);
    }
  }
  return rows.map((r) => r.trimEnd()).join('\n');
}
