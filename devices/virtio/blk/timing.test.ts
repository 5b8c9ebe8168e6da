import { describe, expect, it } from 'vitest';
import { BlkServiceQueue, serviceTimeNs, timingFromProps } from './timing';

describe('virtio-blk timing model', () => {
  it('parses x-latency-us and x-bandwidth-mbps, refusing nonsense', () => {
    expect(timingFromProps({ drive: 'd0' })).toBeUndefined();
    expect(timingFromProps({ 'x-latency-us': '80' })).toEqual({ latencyNs: 80_000, bytesPerSec: Infinity });
    expect(timingFromProps({ 'x-bandwidth-mbps': '250' })).toEqual({ latencyNs: 0, bytesPerSec: 250e6 });
    const bads: Array<Record<string, string>> = [{ 'x-latency-us': '-1' }, { 'x-latency-us': 'soon' }, { 'x-bandwidth-mbps': '0' }, { 'x-bandwidth-mbps': 'fast' }];
    for (const bad of bads) {
      expect(typeof timingFromProps(bad)).toBe('string');
    }
  });

  it('serves requests one after another: a request submitted while busy waits its turn', () => {
    let now = 1000;
    const fired: Array<[number, string]> = [];
    const q = new BlkServiceQueue({ latencyNs: 100, bytesPerSec: 1e9 }, { nowNs: () => now, at: (t, fn) => fired.push([t, String(fn())]) });
    expect(q.submit(400, () => 'a')).toBe(1000 + 100 + 400);
    expect(q.submit(0, () => 'b')).toBe(1500 + 100);
    now = 5000;
    expect(q.submit(1000, () => 'c')).toBe(5000 + serviceTimeNs(q.params, 1000));
    expect(fired).toEqual([[1500, 'a'], [1600, 'b'], [6100, 'c']]);
  });
});
