// Finding an expected text or regex in console output, reporting byte offsets so the
// caller can move its cursor past the match (as expect(1) does).

import type { MatchFound } from './backend';

/** Searches `text`, which starts at byte `baseOffset` of the log. */
export function findPattern(pattern: string | RegExp, text: string, baseOffset: number): MatchFound | undefined {
  if (typeof pattern === 'string') {
    const at = text.indexOf(pattern);
    if (at < 0) return undefined;
    return found(text, baseOffset, at, [pattern], {});
  }
  // A global or sticky regex keeps lastIndex between calls; a fresh copy without them does not.
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  const m = re.exec(text);
  if (!m) return undefined;
  const named: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) named[k] = v;
  return found(text, baseOffset, m.index, m.map((g) => g ?? ''), named);
}

function found(text: string, base: number, charIndex: number, groups: string[], named: Record<string, string>): MatchFound {
  const startOffset = base + Buffer.byteLength(text.slice(0, charIndex), 'utf8');
  const endOffset = startOffset + Buffer.byteLength(groups[0], 'utf8');
  return { ok: true, startOffset, endOffset, groups, named };
}

/** A growing byte log, as sessions keep their console output. */
export interface ByteSource {
  readonly length: number;
  bytes(fromOffset: number): Uint8Array;
}

/**
 * Watches a growing log for a pattern from a byte offset, decoding each new byte once (a
 * streaming decoder keeps UTF-8 sequences split across chunks whole), so waiting through a
 * long output costs about its length, not its length squared, for text patterns.
 */
export class PatternWatcher {
  private readonly decoder = new TextDecoder('utf-8');
  private text = '';
  private seenBytes: number;
  private readonly baseOffset: number;

  constructor(
    private readonly pattern: string | RegExp,
    private readonly source: ByteSource,
    fromOffset: number,
  ) {
    this.baseOffset = Math.min(Math.max(0, Math.floor(fromOffset) || 0), source.length);
    this.seenBytes = this.baseOffset;
  }

  /** The first match in the output since the offset, once there is one. */
  check(): MatchFound | undefined {
    if (this.source.length === this.seenBytes) return undefined;
    const fresh = this.source.bytes(this.seenBytes);
    this.seenBytes += fresh.length;
    const pattern = this.pattern;
    // A text match can straddle the old end: look back by the pattern's length.
    const from = typeof pattern === 'string' ? Math.max(0, this.text.length - pattern.length + 1) : 0;
    this.text += this.decoder.decode(fresh, { stream: true });
    if (typeof pattern !== 'string') return findPattern(pattern, this.text, this.baseOffset);
    const at = this.text.indexOf(pattern, from);
    return at < 0 ? undefined : found(this.text, this.baseOffset, at, [pattern], {});
  }
}
