import { describe, expect, it } from 'vitest';
import { CURSOR_QUERY, InputPacer } from './input-pacer';

function make(quietMs = 1000) {
  let now = 0;
  const written: string[] = [];
  const pacer = new InputPacer((c) => written.push(c), { nowMs: () => now }, quietMs);
  return { pacer, written, advance: (ms: number) => (now += ms) };
}

describe('InputPacer', () => {
  it('holds lines until the guest prints a prompt, then sends one line per prompt', () => {
    const { pacer, written } = make();
    pacer.push('echo a\recho b\r');
    expect(written).toEqual([]);
    pacer.output(`/ # ${CURSOR_QUERY}`);
    expect(written).toEqual(['echo a\r']);
    pacer.output('a\r\n');
    expect(written).toHaveLength(1);
    pacer.output(`/ # ${CURSOR_QUERY}`);
    expect(written).toEqual(['echo a\r', 'echo b\r']);
  });

  it('falls back to a quiet console for programs that read without a prompt, once the guest is up', () => {
    const { pacer, written, advance } = make(500);
    pacer.push('line\n');
    advance(600);
    pacer.tick();
    expect(written).toEqual([]); // still booting: no prompt yet, silence means nothing
    pacer.output(`/ # ${CURSOR_QUERY}`);
    expect(written).toEqual(['line\n']);
    pacer.push('answer\n');
    pacer.output('Name? ');
    advance(400);
    pacer.tick();
    expect(written).toHaveLength(1);
    advance(200);
    pacer.tick();
    expect(written).toEqual(['line\n', 'answer\n']);
  });

  it('sends keys without a line end straight after the line before them', () => {
    const { pacer, written } = make();
    pacer.output(CURSOR_QUERY);
    pacer.push('\x03');
    pacer.push('x\r');
    expect(written).toEqual(['\x03', 'x\r']);
  });

  it('recognises a cursor query split across output chunks', () => {
    const { pacer, written } = make();
    pacer.push('ls\r');
    pacer.output('/ # \x1b');
    expect(written).toEqual([]);
    pacer.output('[6n');
    expect(written).toEqual(['ls\r']);
  });

  it('forgets queued input on clear', () => {
    const { pacer, written } = make();
    pacer.push('a\rb\r');
    pacer.clear();
    pacer.output(CURSOR_QUERY);
    expect(written).toEqual([]);
  });
});
