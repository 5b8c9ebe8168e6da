import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from './qemu-args';
import { maxCpus, parsePciAddr, validateDescription } from './validate';

describe('parsePciAddr', () => {
  it.each<[string, { slot: number; fn: number } | undefined]>([
    ['2', { slot: 2, fn: 0 }],
    ['0x1f.2', { slot: 31, fn: 2 }],
    ['1f.7', { slot: 31, fn: 7 }],
    ['0.1', { slot: 0, fn: 1 }],
    ['20', undefined],
    ['1.8', undefined],
    ['', undefined],
    ['g', undefined],
  ])('%j', (text, expected) => {
    expect(parsePciAddr(text)).toEqual(expected);
  });
});

describe('validateDescription', () => {
  it('gives the path of the first problem', () => {
    const parsed = parseQemuArgs(['-M', 'q35']);
    if (!parsed.ok) throw new Error(parsed.error);
    const desc = { ...parsed.value, devices: [{ driver: 'e1000', props: {} }, { driver: 'e1000', bus: 'nope', props: {} }] };
    expect(validateDescription(desc)).toEqual({ path: ['devices', 1, 'bus'], message: "bus 'nope' not found" });
  });

  it('follows the CPU limits QEMU 7.2 reports', () => {
    const q35 = parseQemuArgs(['-M', 'q35']);
    const virt3 = parseQemuArgs(['-M', 'virt,gic-version=3']);
    const virt2 = parseQemuArgs(['-M', 'virt']);
    if (!q35.ok || !virt3.ok || !virt2.ok) throw new Error('parse failed');
    expect([maxCpus(q35.value), maxCpus(virt3.value), maxCpus(virt2.value)]).toEqual([255, 512, 8]);
  });

  it('lets a virtio-mmio device name one of the 32 transports', () => {
    expect(parseQemuArgs(['-M', 'virt', '-device', 'virtio-rng-device,bus=virtio-mmio-bus.31']).ok).toBe(true);
    const bad = parseQemuArgs(['-M', 'virt', '-device', 'virtio-rng-device,bus=pcie.0']);
    expect(bad.ok ? '' : bad.error).toBe("-device virtio-rng-device: bus 'pcie.0' not found (virtio-mmio devices go on virtio-mmio-bus.0 to .31)");
  });
});
