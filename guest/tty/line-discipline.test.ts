import { describe, it, expect } from 'vitest';
import { LineDiscipline, SIGINT } from './line-discipline';
import { decodeTermios, defaultTermios, encodeTermios, ECHO, ICANON, TERMIOS_SIZE } from './termios';

function make() {
  const echoed: number[] = [];
  const signals: number[] = [];
  const ld = new LineDiscipline(defaultTermios(), { echo: (b) => echoed.push(...b), signal: (s) => signals.push(s) });
  const feed = (s: string) => { for (const c of Buffer.from(s, 'latin1')) ld.receive(c); };
  const take = () => Buffer.from(ld.take(4096)).toString('latin1');
  return { ld, echoed: () => Buffer.from(echoed).toString('latin1'), signals, feed, take };
}

describe('N_TTY line discipline', () => {
  it('turns CR into NL and completes lines', () => {
    const t = make();
    t.feed('ab\r');
    expect(t.take()).toBe('ab\n');
    expect(t.echoed()).toBe('ab\n');
  });

  it('erase, werase and kill edit the line and echo the erasure', () => {
    const t = make();
    t.feed('abc\x7f\x7fX\n');
    expect(t.take()).toBe('aX\n');
    expect(t.echoed()).toBe('abc\b \b\b \bX\n');
    t.feed('foo bar\x17baz\n');
    expect(t.take()).toBe('foo baz\n');
    t.feed('junk\x15ok\n');
    expect(t.take()).toBe('ok\n');
  });

  it('EOF on an empty line reads as end of file; ^C flushes and signals', () => {
    const t = make();
    t.feed('\x04');
    expect(t.ld.readable).toBe(true);
    expect(t.take()).toBe('');
    t.feed('partial\x03');
    expect(t.signals).toEqual([SIGINT]);
    expect(t.ld.readable).toBe(false);
    expect(t.echoed()).toContain('^C\n');
  });

  it('returns one line per read in canonical mode, raw bytes otherwise', () => {
    const t = make();
    t.feed('one\ntwo\n');
    expect(t.take()).toBe('one\n');
    expect(t.take()).toBe('two\n');
    const raw = { ...defaultTermios(), lflag: defaultTermios().lflag & ~(ICANON | ECHO) };
    t.ld.setTermios(raw);
    t.feed('xyz');
    expect(t.take()).toBe('xyz');
  });

  it('output processing maps NL to CR NL', () => {
    const t = make();
    expect(Buffer.from(t.ld.processOutput(Buffer.from('a\nb'))).toString()).toBe('a\r\nb');
  });

  it('termios encodes to the 36-byte kernel layout and back', () => {
    const b = encodeTermios(defaultTermios());
    expect(b.length).toBe(TERMIOS_SIZE);
    // c_iflag ICRNL|IXON = 0x500, c_oflag OPOST|ONLCR = 5, c_cflag B38400|CS8|CREAD|HUPCL = 0x4bf, c_lflag 0x8a3b
    expect(Array.from(b.subarray(0, 16))).toEqual([0x00, 0x05, 0, 0, 5, 0, 0, 0, 0xbf, 4, 0, 0, 0x3b, 0x8a, 0, 0]);
    expect(b[17 + 0]).toBe(3);
    expect(decodeTermios(b)).toEqual(defaultTermios());
  });
});
