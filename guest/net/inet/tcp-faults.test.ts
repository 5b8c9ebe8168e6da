import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { faultyTransfer } from './bulk';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('TCP: 10 MiB under 5 percent loss, 5 percent reordering, 1 percent duplication and jitter arrives intact', () => {
  it.each([1, 2])('seed %i', (seed) => {
    const { sent, result, retransmits } = faultyTransfer(seed, 10 * 1024 * 1024);
    expect([result.clientError, result.serverError, result.done]).toEqual([0, 0, true]);
    expect(result.received.length).toBe(sent.length);
    expect(sha(result.received)).toBe(sha(sent));
    expect(retransmits).toBeGreaterThan(0);
  });

  it('is deterministic: one seed, one virtual-time trace', () => {
    const a = faultyTransfer(7, 256 * 1024);
    const b = faultyTransfer(7, 256 * 1024);
    expect([a.result.virtualNs, a.result.events, a.retransmits]).toEqual([b.result.virtualNs, b.result.events, b.retransmits]);
  });
});
