import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerModel } from './model';
import { makeModel, DEFAULT_SHAPE } from '../../tools/model/make';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-model-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  registerModel(program);
  let out = '';
  let err = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'twinbox', ...args]);
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('twinbox model', () => {
  it('make writes the same file as makeModel', async () => {
    const out = join(dir, 'm.gguf');
    const r = await run(['model', 'make', '--out', out, '--dim', '64', '--heads', '4', '--kv-heads', '2', '--ffn', '64', '--layers', '1', '--type', 'q4_0', '--seed', '9']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/m\.gguf: \d+ bytes, llama 1x64 q4_0, seed 9/);
    const expected = makeModel({ ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 64, layers: 1, type: 'q4_0', seed: 9 });
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
    const info = await run(['model', 'info', out]);
    expect(info.out).toMatch(/^GGUF v3, 23 metadata keys, 12 tensors/);
    const gen = await run(['model', 'run', out, '-p', 'hi', '-n', '4']);
    expect(gen.out).toMatch(/^".*"\ntokens: \d+ \d+ \d+ \d+\n$/s);
  });

  it('reports bad options and bad files without throwing', async () => {
    expect(await run(['model', 'make', '--type', 'q5_k'])).toMatchObject({ code: 2, err: 'twinbox model: --type must be one of f32, f16, q8_0, q4_0\n' });
    expect((await run(['model', 'info', join(dir, 'missing.gguf')])).code).toBe(1);
  });
});
