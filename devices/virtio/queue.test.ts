import { describe, expect, it } from 'vitest';
import { GuestRam } from '../../emulator/memory/guest-ram';
import { VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from './constants';
import { checkQueueLayout, isQueueFault, SplitQueue, vringNeedEvent, type DescriptorChain } from './queue';
import { writeDesc } from './testing/mock-driver';

const BASE = 0x1000_0000;
const SIZE = 8;
const DESC = BASE, AVAIL = BASE + 0x1000, USED = BASE + 0x2000, DATA = BASE + 0x10000;

function setup(features = { indirect: true, eventIdx: false }, saved?: { lastAvailIdx: number; usedIdx: number }) {
  const ram = new GuestRam(BASE, 1 << 20);
  const addrs = { size: SIZE, descAddr: DESC, availAddr: AVAIL, usedAddr: USED };
  const state = saved ? { ...addrs, ...saved, signalledUsedIdx: saved.usedIdx } : undefined;
  if (saved) ram.write16(AVAIL + 2, saved.lastAvailIdx);
  const q = new SplitQueue(ram, addrs, features, state);
  let availIdx = saved?.lastAvailIdx ?? 0;
  const publish = (head: number) => {
    ram.write16(AVAIL + 4 + 2 * (availIdx % SIZE), head);
    availIdx = (availIdx + 1) & 0xffff;
    ram.write16(AVAIL + 2, availIdx);
  };
  return { ram, q, publish };
}

function chain(x: ReturnType<SplitQueue['pop']>): DescriptorChain {
  if (x === undefined || isQueueFault(x)) throw new Error(`expected a chain, got ${JSON.stringify(x)}`);
  return x;
}

describe('split virtqueue layout and walking', () => {
  it('walks a chain of readable then writable descriptors', () => {
    const { ram, q, publish } = setup();
    writeDesc(ram, DESC + 16 * 3, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_NEXT, next: 5 });
    writeDesc(ram, DESC + 16 * 5, { addr: DATA + 16, len: 100, flags: VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, next: 0 });
    writeDesc(ram, DESC, { addr: DATA + 200, len: 1, flags: VIRTQ_DESC_F_WRITE, next: 0 });
    publish(3);
    const c = chain(q.pop());
    expect(c.head).toBe(3);
    expect(c.readable).toEqual([{ addr: DATA, len: 16 }]);
    expect(c.writable.map((s) => s.len)).toEqual([100, 1]);
    expect(q.pop()).toBeUndefined();
    q.pushUsed(3, 101);
    expect(ram.read16(USED + 2)).toBe(1);
    expect(ram.read32(USED + 4)).toBe(3);
    expect(ram.read32(USED + 8)).toBe(101);
  });

  it('follows an indirect table', () => {
    const { ram, q, publish } = setup();
    const table = DATA + 0x800;
    writeDesc(ram, table, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_NEXT, next: 1 });
    writeDesc(ram, table + 16, { addr: DATA + 64, len: 8, flags: VIRTQ_DESC_F_WRITE, next: 0 });
    writeDesc(ram, DESC + 16, { addr: table, len: 32, flags: VIRTQ_DESC_F_INDIRECT, next: 0 });
    publish(1);
    const c = chain(q.pop());
    expect(c.readableBytes).toBe(16);
    expect(c.writableBytes).toBe(8);
  });

  const faults: Array<[string, (ram: GuestRam) => number, RegExp, boolean?]> = [
    ['a loop', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 4, flags: VIRTQ_DESC_F_NEXT, next: 1 }); writeDesc(ram, DESC + 16, { addr: DATA, len: 4, flags: VIRTQ_DESC_F_NEXT, next: 0 }); return 0; }, /loop/],
    ['a buffer beyond RAM', (ram) => { writeDesc(ram, DESC, { addr: BASE + (1 << 20) - 2, len: 4, flags: 0, next: 0 }); return 0; }, /outside guest RAM/],
    ['a 64-bit address', (ram) => { writeDesc(ram, DESC, { addr: 2 ** 40, len: 4, flags: 0, next: 0 }); return 0; }, /outside guest RAM/],
    ['readable after writable', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 4, flags: VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, next: 1 }); writeDesc(ram, DESC + 16, { addr: DATA, len: 4, flags: 0, next: 0 }); return 0; }, /readable descriptor after/],
    ['a head beyond the queue', () => 9, /head 9/],
    ['next beyond the queue', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 4, flags: VIRTQ_DESC_F_NEXT, next: 200 }); return 0; }, /next index/],
    ['indirect with NEXT', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, next: 1 }); return 0; }, /NEXT/],
    ['indirect of odd length', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 20, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }); return 0; }, /length 20/],
    ['nested indirect', (ram) => { writeDesc(ram, DATA, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }); writeDesc(ram, DESC, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }); return 0; }, /nested/],
    ['a loop inside an indirect table', (ram) => { writeDesc(ram, DATA, { addr: DATA, len: 4, flags: VIRTQ_DESC_F_NEXT, next: 0 }); writeDesc(ram, DESC, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }); return 0; }, /loop/],
    ['indirect when not negotiated', (ram) => { writeDesc(ram, DESC, { addr: DATA, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }); return 0; }, /RING_INDIRECT_DESC/, false],
  ];
  for (const [what, build, msg, indirect] of faults) {
    it(`reports ${what} as a fault value`, () => {
      const { ram, q, publish } = setup({ indirect: indirect ?? true, eventIdx: false });
      publish(build(ram));
      const r = q.pop();
      expect(isQueueFault(r) && r.fault).toMatch(msg);
    });
  }

  it('reports an available index that jumped past the queue size', () => {
    const { ram, q } = setup();
    ram.write16(AVAIL + 2, SIZE + 1);
    expect(isQueueFault(q.pop())).toBe(true);
  });

  it('indices are free-running across 16-bit wrap', () => {
    const { ram, q, publish } = setup({ indirect: false, eventIdx: false }, { lastAvailIdx: 0xfffe, usedIdx: 0xfffe });
    writeDesc(ram, DESC, { addr: DATA, len: 4, flags: 0, next: 0 });
    for (let i = 0; i < 4; i++) publish(0);
    for (let i = 0; i < 4; i++) {
      expect(chain(q.pop()).head).toBe(0);
      q.pushUsed(0, 0);
    }
    expect(q.pop()).toBeUndefined();
    expect(ram.read16(USED + 2)).toBe(2);
  });

  it('rejects ring layouts outside RAM, misaligned, or of non-power-of-2 size', () => {
    const ram = new GuestRam(BASE, 1 << 20);
    expect(checkQueueLayout(ram, { size: 8, descAddr: DESC, availAddr: AVAIL, usedAddr: USED })).toBeNull();
    expect(checkQueueLayout(ram, { size: 6, descAddr: DESC, availAddr: AVAIL, usedAddr: USED })?.fault).toMatch(/power of 2/);
    expect(checkQueueLayout(ram, { size: 8, descAddr: DESC + 8, availAddr: AVAIL, usedAddr: USED })?.fault).toMatch(/misaligned/);
    expect(checkQueueLayout(ram, { size: 8, descAddr: 0, availAddr: AVAIL, usedAddr: USED })?.fault).toMatch(/descriptor table/);
  });
});

describe('notification suppression', () => {
  it('without EVENT_IDX honours VIRTQ_AVAIL_F_NO_INTERRUPT', () => {
    const { ram, q } = setup();
    q.pushUsed(0, 0);
    expect(q.shouldSignal()).toBe(true);
    expect(q.shouldSignal()).toBe(false); // nothing new since
    ram.write16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    q.pushUsed(0, 0);
    expect(q.shouldSignal()).toBe(false);
  });

  it('with EVENT_IDX signals only when used_event is crossed and publishes avail_event', () => {
    const { ram, q, publish } = setup({ indirect: false, eventIdx: true });
    writeDesc(ram, DESC, { addr: DATA, len: 4, flags: 0, next: 0 });
    ram.write16(AVAIL + 4 + 2 * SIZE, 2); // used_event: interrupt once used idx passes 2
    for (let i = 0; i < 4; i++) publish(0);
    const signals: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      chain(q.pop());
      q.pushUsed(0, 0);
      signals.push(q.shouldSignal());
    }
    expect(signals).toEqual([false, false, true, false]);
    expect(ram.read16(USED + 4 + 8 * SIZE)).toBe(4); // avail_event = next index the device will read
  });

  it('vring_need_event matches the spec formula at the wrap', () => {
    expect(vringNeedEvent(0xffff, 0, 0xfffe)).toBe(true);
    expect(vringNeedEvent(0, 0, 0xffff)).toBe(false);
    expect(vringNeedEvent(5, 7, 4)).toBe(true);
    expect(vringNeedEvent(8, 7, 4)).toBe(false);
  });
});
