import { describe, it, expect } from 'vitest';
import { echoText, printfText } from './printf-format';

// Expected strings are BusyBox 1.35's output for the same arguments.
describe('printf and echo formatting', () => {
  it('formats conversions like BusyBox printf', () => {
    expect(printfText('%5s|%-3d|%x|%05.1f|%c|%b\n', ['ab', '7', '255', '3.14159', 'xyz', 'q\\tz']).out).toBe('   ab|7  |ff|003.1|x|q\tz\n');
    expect(printfText('%s\n', ['a', 'b', 'c']).out).toBe('a\nb\nc\n');
    expect(printfText('%o %X %#x %+d %e\n', ['8', '255', '255', '5', '1234.5']).out).toBe('10 FF 0xff +5 1.234500e+03\n');
    expect(printfText("%d\n", ["'A"]).out).toBe('65\n');
  });

  it('reports bad numbers and formats', () => {
    expect(printfText('%d\n', ['abc'])).toEqual({ out: '0\n', errors: ["invalid number 'abc'"], status: 1 });
    expect(printfText('%q', [])).toMatchObject({ errors: ['%q: invalid format'], status: 1 });
  });

  it('echo handles -n, -e and \\c', () => {
    expect(echoText(['a\\tb'])).toBe('a\\tb\n');
    expect(echoText(['-e', 'a\\tb\\c', 'x'])).toBe('a\tb');
    expect(echoText(['-n', 'x'])).toBe('x');
    expect(echoText(['-nx'])).toBe('-nx\n');
    expect(echoText(['-e', '\\0101'])).toBe('A\n');
  });
});
