import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ByteQueue } from './byte-queue';
import { NewReno } from './newreno';
import { RTO_INITIAL_NS, RTO_MAX_NS, RTO_MIN_NS, RttEstimator } from './rtt';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq';

describe('sequence arithmetic', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
  });
});

describe('RttEstimator (RFC 6298)', () => {
  it('starts at 1 s, takes SRTT/RTTVAR from samples, floors at 200 ms, doubles to 120 s', () => {
    const r = new RttEstimator();
    expect(r.rtoNs).toBe(RTO_INITIAL_NS);
    r.sample(100_000_000);
    // SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR = 300 ms.
    expect([r.srttNs, r.rttvarNs, r.rtoNs]).toEqual([100_000_000, 50_000_000, 300_000_000]);
    r.sample(100_000_000);
    // RTTVAR = 3/4·50 + 1/4·0 = 37.5 ms; RTO = 100 + 150 = 250 ms.
    expect(r.rtoNs).toBe(250_000_000);
    for (let i = 0; i < 30; i++) r.sample(1_000_000);
    expect(r.rtoNs).toBe(RTO_MIN_NS);
    for (let i = 0; i < 20; i++) r.backOff();
    expect(r.rtoNs).toBe(RTO_MAX_NS);
    r.resetBackoff();
    expect(r.rtoNs).toBe(RTO_MIN_NS);
  });
});

describe('NewReno (RFC 5681 / 6582)', () => {
  it('slow-starts, fast-retransmits on the third duplicate, deflates on partial ACKs and leaves recovery at `recover`', () => {
    const cc = new NewReno(1000);
    expect(cc.cwndBytes).toBe(10_000);
    cc.onAck(1000, 1000, 10_000);
    expect(cc.cwndBytes).toBe(11_000);
    expect([cc.onDupAck(20_000, 10_000), cc.limitedTransmitBytes]).toEqual([false, 1000]);
    expect([cc.onDupAck(20_000, 10_000), cc.limitedTransmitBytes]).toEqual([false, 2000]);
    expect(cc.onDupAck(20_000, 10_000)).toBe(true);
    expect([cc.inRecovery, cc.ssthreshBytes, cc.cwndBytes, cc.limitedTransmitBytes]).toEqual([true, 5000, 8000, 0]);
    cc.onDupAck(20_000, 10_000);
    expect(cc.cwndBytes).toBe(9000);
    // Partial ACK below recover: stay in recovery, retransmit the next hole.
    expect(cc.onAck(5000, 4000, 10_000)).toBe(true);
    expect(cc.cwndBytes).toBe(6000);
    // Full ACK: out, cwnd = min(ssthresh, flight + MSS).
    expect(cc.onAck(20_000, 15_000, 15_000)).toBe(false);
    expect([cc.inRecovery, cc.cwndBytes]).toEqual([false, 1000]);
  });

  it('collapses to one segment on a timeout', () => {
    const cc = new NewReno(1460);
    cc.onTimeout(20_000);
    expect([cc.cwndBytes, cc.ssthreshBytes]).toEqual([1460, 10_000]);
  });
});

describe('ByteQueue', () => {
  it('behaves as a FIFO of bytes under any mix of appends, peeks and consumes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 9000 }).map((n) => ({ add: n })), fc.integer({ min: 0, max: 9000 }).map((n) => ({ take: n })))), (ops) => {
        const q = new ByteQueue(16);
        let model: number[] = [];
        let next = 0;
        for (const op of ops) {
          if ('add' in op) {
            const chunk = Uint8Array.from({ length: op.add }, () => next++ & 0xff);
            q.append(chunk);
            model = model.concat([...chunk]);
          } else {
            expect([...q.peek(1, op.take)]).toEqual(model.slice(1, 1 + op.take));
            q.consume(op.take);
            model = model.slice(op.take);
          }
          expect(q.length).toBe(model.length);
        }
      }),
      { numRuns: 50 },
    );
  });
});
