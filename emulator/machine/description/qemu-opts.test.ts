import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emitOpts, parseOpts } from './qemu-opts';

describe('parseOpts', () => {
  const cases: Array<[string, string | undefined, Array<[string, string]>]> = [
    ['e1000', 'driver', [['driver', 'e1000']]],
    ['e1000,id=n0,bus=rp1', 'driver', [['driver', 'e1000'], ['id', 'n0'], ['bus', 'rp1']]],
    ['type=q35,kernel-irqchip=split', 'type', [['type', 'q35'], ['kernel-irqchip', 'split']]],
    ['q35,sata=off', 'type', [['type', 'q35'], ['sata', 'off']]],
    ['file=a,,b.img,format=raw', undefined, [['file', 'a,b.img'], ['format', 'raw']]],
    ['virtio-gpu-pci,xres=1024,,x', 'driver', [['driver', 'virtio-gpu-pci'], ['xres', '1024,x']]],
    ['e1000,', 'driver', [['driver', 'e1000']]],
    ['e1000,x-flag', 'driver', [['driver', 'e1000'], ['x-flag', 'on']]],
    ['user,id=n0,hostfwd=tcp::2222-:22', 'type', [['type', 'user'], ['id', 'n0'], ['hostfwd', 'tcp::2222-:22']]],
    ['a=b=c', undefined, [['a', 'b=c']]],
    ['empty=', undefined, [['empty', '']]],
  ];
  it.each(cases)('%s', (text, implied, expected) => {
    const parsed = parseOpts(text, implied);
    expect(parsed).toEqual({ ok: true, value: expected.map(([key, value]) => ({ key, value })) });
  });

  it('refuses an item with an empty name', () => {
    expect(parseOpts('e1000,=x', 'driver')).toEqual({ ok: false, error: "empty parameter name in '=x'" });
  });
});

describe('emitOpts', () => {
  it('puts the implied value first and escapes commas', () => {
    const text = emitOpts(
      [
        { key: 'id', value: 'a' },
        { key: 'driver', value: 'e1000' },
        { key: 'romfile', value: 'x,y' },
      ],
      'driver',
    );
    expect(text).toBe('e1000,id=a,romfile=x,,y');
  });

  it('round-trips any key=value list through parseOpts', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/);
    const value = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ key, value }), { selector: (p) => p.key, maxLength: 6 }), (pairs) => {
        const parsed = parseOpts(emitOpts(pairs));
        expect(parsed).toEqual({ ok: true, value: pairs });
      }),
    );
  });
});
