import { describe, it, expect } from 'vitest';
import { parseKeyValues } from './files';
import { bootAi } from './testing';

const metricsOf = (raw: string, marker: string): Map<string, string> => {
  const out = raw.replace(/\r\n/g, '\n');
  const at = out.indexOf(marker);
  return at < 0 ? new Map() : parseKeyValues(out.slice(at + marker.length).split('/ # ')[0]!);
};

describe('system2', () => {
  const session = (seed = 1) => bootAi({
    seed,
    input: [
      'system2 -m /models/tiny.gguf -t 2 -n 8 --interval 5 --duration 60 &\n',
      'sleep 32; echo ==M1==; cat /run/rayos/metrics\n',
      'sleep 40; echo ==M2==; cat /run/rayos/metrics\n',
      'poweroff\n',
    ],
  });

  it('loads the model through read(2), infers every interval and writes key=value metrics', () => {
    const r = session();
    expect(r.stop).toBe('powered-off');
    const out = r.output.replace(/\r\n/g, '\n');
    expect(out).toMatch(/system2: loaded \/models\/tiny\.gguf \(0\.13 MiB, 2 layers\) in [0-9.]+ ms, 2 threads/);
    const m1 = metricsOf(out, '==M1==\n'), m2 = metricsOf(out, '==M2==\n');
    expect(m1.get('state')).toBe('serving');
    expect(m1.get('model')).toBe('/models/tiny.gguf');
    expect(m1.get('threads')).toBe('2');
    // A request at 0, 5, ..., 25 s of virtual time: seven by 32 s.
    expect(Number(m1.get('requests'))).toBe(7);
    expect(Number(m1.get('tokens_per_s'))).toBeGreaterThan(0);
    expect(Number(m1.get('ms_per_token'))).toBeCloseTo(1000 / Number(m1.get('tokens_per_s')), 1);
    expect(Number(m1.get('memory_bytes'))).toBeGreaterThan(Number(m1.get('model_bytes')));
    expect(m2.get('state')).toBe('stopped');
    expect(Number(m2.get('requests'))).toBe(12);
  });

  it('the same seed gives identical metrics; another seed other jitter', () => {
    const a = session(1).output, b = session(1).output, c = session(3).output;
    expect(metricsOf(a, '==M2==\n')).toEqual(metricsOf(b, '==M2==\n'));
    expect(metricsOf(a, '==M2==\n').get('avg_tokens_per_s')).not.toBe(metricsOf(c, '==M2==\n').get('avg_tokens_per_s'));
  });

  it('reports a bad model path', () => {
    const out = bootAi({ input: ['system2 -m /nope; echo st=$?\n', 'poweroff\n'] }).output;
    expect(out).toContain('system2: /nope: No such file or directory');
    expect(out).toContain('st=1');
  });
});
