// `twinbox model info`: what a GGUF file holds, one line per metadata key and per tensor, with long
// arrays abbreviated. Malformed files give the parser's offset and problem.

import { formatGgufError, parseGguf } from '../../guest/llm/gguf/parse';
import { elementCount, ggmlTypeName } from '../../guest/llm/gguf/types';
import type { GgufValue } from '../../guest/llm/gguf/types';

const MAX_ITEMS_SHOWN = 8;

function showValue(v: GgufValue): string {
  switch (v.type) {
    case 'string': return JSON.stringify(v.value);
    case 'array': {
      const shown = v.items.slice(0, MAX_ITEMS_SHOWN).map(showValue).join(', ');
      const more = v.items.length > MAX_ITEMS_SHOWN ? `, ... (${v.items.length} items)` : '';
      return `[${shown}${more}]`;
    }
    default: return String(v.value);
  }
}

export function describeGguf(bytes: Uint8Array): string {
  const parsed = parseGguf(bytes);
  if (!parsed.ok) return `error: ${formatGgufError(parsed.error)}\n`;
  const f = parsed.value;
  const lines = [`GGUF v${f.version}, ${f.metadata.length} metadata keys, ${f.tensors.length} tensors, alignment ${f.alignment}, data at ${f.dataOffset}`];
  for (const kv of f.metadata) lines.push(`  ${kv.key} (${kv.value.type === 'array' ? `${kv.value.itemType}[]` : kv.value.type}) = ${showValue(kv.value)}`);
  for (const t of f.tensors) {
    lines.push(`  tensor ${t.name} ${ggmlTypeName(t.type)} [${t.dims.join(', ')}] ${elementCount(t.dims)} elements at +${t.offset}`);
  }
  return lines.join('\n') + '\n';
}
