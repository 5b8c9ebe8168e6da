// wait.ts's isBlock tells a Block from a number or bytes; socket calls also return objects
// (RecvResult, sockets), so they check the tag.

import type { Block } from '../wait';

export function isSockBlock(r: unknown): r is Block {
  return typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'block';
}
