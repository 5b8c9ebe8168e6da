// `npm run test:soak`: the 20-seed version of the fault test.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { faultyTransfer } from './bulk';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const SEEDS = Array.from({ length: 20 }, (_, i) => 100 + i);

describe('TCP soak: 10 MiB under 5 percent loss, 5 percent reordering, 1 percent duplication and jitter, 20 seeds', () => {
  it.each(SEEDS)('seed %i arrives intact', (seed) => {
    const { sent, result } = faultyTransfer(seed, 10 * 1024 * 1024);
    expect([result.clientError, result.serverError, result.done]).toEqual([0, 0, true]);
    expect(sha(result.received)).toBe(sha(sent));
  }, 120_000);
});
