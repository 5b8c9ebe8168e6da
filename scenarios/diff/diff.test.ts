import { describe, expect, it } from 'vitest';
import { compareBlocks } from './diff-scenario';
import { answerBlocks, normalizeOutput, splitSteps } from './segments';
import { sideBySide } from './side-by-side';

const SIM = [
  '### scenario s seed 1 backend sim',
  '### step 1 line 3 t=0ns: boot',
  '### step 2 line 4 t=0ns: expect "/ # "',
  'Booting Linux (twinbox)',
  '/ # ',
  '### step 3 line 5 t=1.2ms: send "ps"',
  'ps\r',
  'PID   USER     COMMAND\r',
  '    1 root     init\r',
  '### step 4 line 6 t=2ms: expect "init"',
  '### PASSED',
].join('\n');

const QEMU = [
  '### scenario s seed 1 backend qemu',
  '### step 1 line 3 t=0ns: boot',
  '### step 2 line 4 t=0ns: expect "/ # "',
  '[    0.000000] Booting Linux on physical CPU 0x0',
  '/ # \x1b[6n',
  '### step 3 line 5 t=3.1s: send "ps"',
  'ps\r',
  'PID   USER     COMMAND\r',
  '    1 root     {init} /bin/sh /init\r',
  '### step 4 line 6 t=3.2s: expect "init"',
  '### PASSED',
].join('\n');

describe('twinbox diff', () => {
  it('cuts transcripts into steps and keeps only the answers from the first send on', () => {
    const steps = splitSteps(SIM);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    const blocks = answerBlocks(steps, []);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ step: 3, title: 'send "ps"' });
    expect(blocks[0].text).toBe('ps\nPID   USER     COMMAND\n    1 root     init');
  });

  it('normalises escapes, carriage returns and the scenario rules', () => {
    expect(normalizeOutput('a\x1b[6n\r\nb  \r\n', [])).toBe('a\nb');
    expect(normalizeOutput('pid 123\n', [{ regex: '\\d+', flags: '', replace: 'N' }])).toBe('pid N');
  });

  it('pairs steps and reports which differ, rendered side by side', () => {
    const cmp = compareBlocks(answerBlocks(splitSteps(SIM), []), answerBlocks(splitSteps(QEMU), []));
    expect(cmp).toHaveLength(1);
    expect(cmp[0].same).toBe(false);
    const text = sideBySide(cmp[0].sim!, cmp[0].qemu!, { widthChars: 80, leftTitle: 'sim', rightTitle: 'qemu' });
    expect(text).toMatch(/^ps\s+ps$/m);
    expect(text).toMatch(/1 root {5}init\s+\|\s+1 root {5}\{init\} \/bin\/sh \/init/);
    const same = compareBlocks(answerBlocks(splitSteps(SIM), []), answerBlocks(splitSteps(SIM), []));
    expect(same.every((s) => s.same)).toBe(true);
  });

  it('mends an escape sequence cut by a step marker', () => {
    const t = ['### step 1 line 1 t=0: send "a"', 'a', '/ # \x1b[6', '### step 2 line 2 t=0: send "b"', 'nb', 'x'].join('\n');
    const blocks = answerBlocks(splitSteps(t), []);
    expect(blocks.map((b) => b.text)).toEqual(['a\n/ #', 'b\nx']);
  });

  it('ignores where a step marker cut a line (mid-line, or between CR and LF)', () => {
    const whole = '### step 1 line 1 t=0: send "x"\nx\r\nab\r\ncd\r\n/ # \n### step 2 line 2 t=1: expect "/ # "\n';
    const cutMid = '### step 1 line 1 t=0: send "x"\nx\r\na\n### step 2 line 2 t=1: expect "b"\nb\r\ncd\r\n/ # \n';
    const cutCrLf = '### step 1 line 1 t=0: send "x"\nx\r\nab\r\n### step 2 line 2 t=1: expect "b"\n\ncd\r\n/ # \n';
    const text = (t: string) => answerBlocks(splitSteps(t), [])[0].text;
    expect(text(cutMid)).toBe(text(whole));
    expect(text(cutCrLf)).toBe(text(whole));
    expect(text(whole)).toBe('x\nab\ncd\n/ #');
  });

  it('keeps a marker line of a step (### status ...) on a line of its own', () => {
    const t = '### step 1 line 1 t=0: send "x"\nx\r\n/ # \x1b[6n\n### step 2 line 2 t=1: status running\n### status running\n';
    expect(answerBlocks(splitSteps(t), [])[0].text).toBe('x\n/ #\n### status running');
  });

  it('marks lines present on one side only', () => {
    const text = sideBySide('a\nb\n', 'a\n', { widthChars: 60, leftTitle: 'L', rightTitle: 'R' });
    expect(text.split('\n')[2]).toMatch(/^b\s+<$/);
  });
});
