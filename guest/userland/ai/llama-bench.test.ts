import { describe, it, expect } from 'vitest';
import { formatHeader, formatRow, mean, parseBenchTable, stdev } from './bench-format';
import { bootAi } from './testing';

describe('llama-bench output format', () => {
  it('matches llama.cpp markdown printer columns and alignment', () => {
    const header = formatHeader().split('\n');
    expect(header[0]).toBe('| model                          |       size |     params | backend    | threads |          test |                  t/s |');
    expect(header[1]).toBe('| ------------------------------ | ---------: | ---------: | ---------- | ------: | ------------: | -------------------: |');
    const row = formatRow({ model: 'llama 7B Q4_0', sizeBytes: 3.56 * 1024 ** 3, params: 6.74e9, backend: 'CPU', threads: 4, test: 'pp512', samples: [21.07, 21.25] });
    expect(row).toBe('| llama 7B Q4_0                  |   3.56 GiB |     6.74 B | CPU        |       4 |         pp512 |         21.16 ± 0.13 |\n');
    // Each line has the same display width: the ± takes one column though it is two bytes.
    expect([...row.trimEnd()].length).toBe([...header[0]!].length);
  });

  it('mean and sample standard deviation as llama-bench computes them', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(stdev([1, 2, 3])).toBeCloseTo(1, 12);
    expect(stdev([5])).toBe(0);
  });
});

describe('llama-bench in the guest', () => {
  const run = (cmd: string, seed = 1, smp = 1) => bootAi({ input: [`${cmd}\n`, 'poweroff\n'], seed, description: { smp } });

  it('prints the table for pp and tg with virtual-time tokens/s, the same for the same seed', () => {
    const cmd = 'llama-bench -m /models/tiny.gguf -p 64 -n 16 -t 1 -r 3';
    const a = run(cmd), b = run(cmd);
    expect(a.stop).toBe('powered-off');
    const out = a.output.replace(/\r\n/g, '\n');
    expect(out).toContain('| model                          |       size |     params | backend    | threads |          test |                  t/s |\n');
    expect(out).toMatch(/\| llama \?B Q8_0 {18}\| +0\.\d\d MiB \| +0\.\d\d M \| CPU {8}\| +1 \| +pp64 \| +[0-9.]+ ± [0-9.]+ \|\n/);
    expect(out).toContain('\nbuild: twinbox-guest (1)\n');
    const rows = parseBenchTable(out);
    expect(rows.map((r) => r.test)).toEqual(['pp64', 'tg16']);
    // Batched prompt processing beats one-token-at-a-time generation.
    expect(rows[0]!.mean).toBeGreaterThan(rows[1]!.mean);
    expect(rows[0]!.sd).toBeGreaterThan(0);
    expect(parseBenchTable(b.output)).toEqual(rows);
  });

  it('a different seed gives different jitter but the same order of magnitude', () => {
    const cmd = 'llama-bench -m /models/tiny.gguf -p 32 -n 8 -t 1 -r 3';
    const a = parseBenchTable(run(cmd, 1).output), b = parseBenchTable(run(cmd, 2).output);
    expect(a).not.toEqual(b);
    expect(b[0]!.mean / a[0]!.mean).toBeGreaterThan(0.9);
    expect(b[0]!.mean / a[0]!.mean).toBeLessThan(1.1);
  });

  it('several threads on one vCPU are no faster than one thread', () => {
    const one = parseBenchTable(run('llama-bench -m /models/tiny.gguf -p 32 -n 8 -t 1 -r 2').output);
    const four = parseBenchTable(run('llama-bench -m /models/tiny.gguf -p 32 -n 8 -t 4 -r 2').output);
    expect(four[0]!.threads).toBe(4);
    expect(four[0]!.mean).toBeLessThanOrEqual(one[0]!.mean);
  });

  it('threads run in parallel on several vCPUs: compute-bound pp scales with them', () => {
    const rows = parseBenchTable(run('llama-bench -m /models/tiny.gguf -p 64 -n 8 -t 1,4 -r 2', 1, 4).output);
    const pp1 = rows.find((r) => r.threads === 1 && r.test === 'pp64')!, pp4 = rows.find((r) => r.threads === 4 && r.test === 'pp64')!;
    expect(pp4.mean / pp1.mean).toBeGreaterThan(2.5);
    expect(pp4.mean / pp1.mean).toBeLessThan(4);
  });

  it('a background service on the same vCPU slows inference and adds jitter; nice -10 (--prio 2) wins part of it back', () => {
    const bench = 'llama-bench -m /models/tiny.gguf -p 128 -n 16 -r 4 -t 1';
    const r = bootAi({ input: ['busyloop &\n', `${bench}\n`, `${bench} --prio 2\n`, 'kill %1\n', `${bench}\n`, 'poweroff\n'] });
    const rows = parseBenchTable(r.output);
    expect(rows).toHaveLength(6);
    const [contended, niced, quiet] = [0, 2, 4].map((i) => rows[i]!);
    expect(contended.test).toBe('pp128');
    expect(niced.mean).toBeGreaterThan(contended.mean * 1.15);
    expect(quiet.mean).toBeGreaterThan(niced.mean);
    expect(quiet.sd).toBeLessThan(contended.sd / 10);
  });

  it('loads the model through mmap (llama.cpp default) or read(2) (-mmp 0), with the same figures', () => {
    const mapped = parseBenchTable(run('llama-bench -m /models/tiny.gguf -p 16 -n 4 -r 2 -t 1').output);
    const read = parseBenchTable(run('llama-bench -m /models/tiny.gguf -p 16 -n 4 -r 2 -t 1 -mmp 0').output);
    expect(mapped).toHaveLength(2);
    expect(read).toEqual(mapped);
  });

  it('reports a missing model and bad options', () => {
    const out = run('llama-bench -m /nope.gguf -p 8 -n 0; echo st=$?; llama-bench -t x -m /models/tiny.gguf; llama-bench --bogus').output;
    expect(out).toContain("llama-bench: error: failed to load model '/nope.gguf': /nope.gguf: No such file or directory");
    expect(out).toContain('st=1');
    expect(out).toContain('llama-bench: invalid value for -t: x');
    expect(out).toContain('llama-bench: unknown option --bogus');
  });
});
