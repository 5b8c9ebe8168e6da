// A scenario's transcript: the console bytes exactly as the guest wrote them, with a marker
// line before each step (its index, line, virtual time and what it does). Its SHA-256 is
// the scenario's fingerprint: same scenario and seed, same hash. Nothing from the wall
// clock or the host environment goes in, or the hash would stop meaning that.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NormalizeRule } from './types';

export class Transcript {
  private readonly chunks: Uint8Array[] = [];
  private lengthBytes = 0;
  private atLineStart = true;

  /** Console output from the session. */
  console(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.push(bytes);
    this.atLineStart = bytes[bytes.length - 1] === 0x0a;
  }

  /** A marker line, always on a line of its own. */
  marker(text: string): void {
    const line = `${this.atLineStart ? '' : '\n'}### ${text.replace(/\n/g, '\\n')}\n`;
    this.push(new TextEncoder().encode(line));
    this.atLineStart = true;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks, this.lengthBytes);
  }

  sha256(): string {
    return createHash('sha256').update(this.bytes()).digest('hex');
  }

  write(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.bytes());
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.lengthBytes += bytes.length;
  }
}

/** The transcript text with the scenario's normalize rules applied (for cross-backend diffs). */
export function normalizeTranscript(text: string, rules: readonly NormalizeRule[]): string {
  let out = text;
  for (const r of rules) out = out.replace(new RegExp(r.regex, r.flags.includes('g') ? r.flags : `${r.flags}g`), r.replace);
  return out;
}

/** The last `count` lines of console output, for failure messages. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.replace(/\r/g, '').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}
