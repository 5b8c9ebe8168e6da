import { describe, expect, it } from 'vitest';
import { BENCH_FAULTS, benchLink, benchVirtioNetTx, benchWire } from './bench';

describe('networking bench functions', () => {
  let t = 0;
  const clock = (): number => (t += 1);

  it('push frames through a clean and a faulty link', () => {
    const clean = benchLink(clock, 1000);
    expect(clean.note).toBe('1000 delivered');
    const faulty = benchLink(clock, 1000, BENCH_FAULTS);
    const delivered = Number(faulty.note.split(' ')[0]);
    expect(delivered).toBeGreaterThan(900);
    expect(delivered).toBeLessThan(1000);
    expect(faulty.opsPerSec).toBeGreaterThan(0);
  });

  it('decode and re-emit wire samples, and transmit through virtio-net', () => {
    expect(benchWire(clock, 10).ops).toBe(80);
    expect(benchVirtioNetTx(clock, 640).note).toBe('640 reached the peer');
  });
});
