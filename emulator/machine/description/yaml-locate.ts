// Maps a path into a parsed YAML (or JSON) document back to a 1-based line, so profile errors can
// say `profiles/x.yaml:12:`. Paths come from ajv (`/devices/2/driver`) or from validation
// (['devices', 2, 'driver']); a path that does not exist in the file (a field left to its
// default) resolves to the deepest part that does.

import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ProblemPath } from './validate';

function child(node: Node, segment: string | number): { node: Node | undefined; keyNode: Node | undefined } {
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return { node: isNode(item) ? item : undefined, keyNode: undefined };
  }
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return { node: undefined, keyNode: undefined };
    return { node: isNode(pair.value) ? pair.value : undefined, keyNode: isNode(pair.key) ? pair.key : undefined };
  }
  return { node: undefined, keyNode: undefined };
}

/** The line of the deepest node on `path` (the key's line for a map entry). */
export function lineOf(doc: Document, lines: LineCounter, path: ProblemPath): number {
  let node: Node | undefined = isNode(doc.contents) ? doc.contents : undefined;
  let line = node?.range ? lines.linePos(node.range[0]).line : 1;
  for (const segment of path) {
    if (node === undefined) break;
    const next = child(node, segment);
    const anchor = next.keyNode ?? next.node;
    if (anchor?.range) line = lines.linePos(anchor.range[0]).line;
    if (anchor === undefined) break;
    node = next.node;
  }
  return line;
}

/** `/devices/2/props/a~1b` → ['devices', 2, 'props', 'a/b']. */
export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** ['devices', 2, 'driver'] → `devices[2].driver`. */
export function formatPath(path: ProblemPath): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(top level)' : text;
}
