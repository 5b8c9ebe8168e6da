// `twinbox model`: make a small seeded llama GGUF, describe a GGUF file, and run the engine on one.

import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_SHAPE, checkShape, makeModel } from '../../tools/model/make';
import type { ModelShape, WeightTypeName } from '../../tools/model/make';
import { describeGguf } from '../../tools/model/info';
import { loadLlamaFile } from '../../guest/llm/model';
import { LlamaEngine } from '../../guest/llm/engine';
import { generate } from '../../guest/llm/generate';
import { Prng } from '../../emulator/random/prng';

const TYPES: WeightTypeName[] = ['f32', 'f16', 'q8_0', 'q4_0'];

interface MakeOpts {
  out: string; seed: string; dim: string; layers: string; heads: string; kvHeads: string; ffn: string; context: string; type: string;
}

function fail(message: string, code = 2): void {
  process.stderr.write(`twinbox model: ${message}\n`);
  process.exitCode = code;
}

function shapeFrom(o: MakeOpts): ModelShape | string {
  if (!TYPES.includes(o.type as WeightTypeName)) return `--type must be one of ${TYPES.join(', ')}`;
  const shape: ModelShape = {
    seed: Number(o.seed), dim: Number(o.dim), layers: Number(o.layers), heads: Number(o.heads), kvHeads: Number(o.kvHeads),
    ffnDim: Number(o.ffn), contextLength: Number(o.context), type: o.type as WeightTypeName,
  };
  return checkShape(shape) ?? shape;
}

function readFile(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (e) {
    fail(`cannot read ${path}: ${(e as Error).message}`, 1);
    return null;
  }
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('llama-architecture GGUF models: make, inspect, run');
  const d = DEFAULT_SHAPE;
  model
    .command('make')
    .description('write a small llama GGUF with seeded weights and a byte-level vocabulary (llama.cpp loads it)')
    .option('--out <file>', 'output file', 'twinbox-tiny.gguf')
    .option('--seed <n>', 'weight seed', String(d.seed))
    .option('--dim <n>', 'embedding length', String(d.dim))
    .option('--layers <n>', 'transformer blocks', String(d.layers))
    .option('--heads <n>', 'attention heads', String(d.heads))
    .option('--kv-heads <n>', 'key/value heads (grouped-query attention)', String(d.kvHeads))
    .option('--ffn <n>', 'feed-forward length', String(d.ffnDim))
    .option('--context <n>', 'context length', String(d.contextLength))
    .option('--type <t>', 'weight type: f32, f16, q8_0 or q4_0', d.type)
    .action((o: MakeOpts) => {
      const shape = shapeFrom(o);
      if (typeof shape === 'string') return fail(shape);
      const bytes = makeModel(shape);
      try {
        writeFileSync(o.out, bytes);
      } catch (e) {
        return fail(`cannot write ${o.out}: ${(e as Error).message}`, 1);
      }
      process.stdout.write(`${o.out}: ${bytes.length} bytes, llama ${shape.layers}x${shape.dim} ${shape.type}, seed ${shape.seed}\n`);
    });
  model
    .command('info <file>')
    .description('print the metadata and tensors of a GGUF file')
    .action((file: string) => {
      const bytes = readFile(file);
      if (bytes === null) return;
      const text = describeGguf(bytes);
      if (text.startsWith('error:')) return fail(`${file}: ${text.slice(7).trim()}`, 1);
      process.stdout.write(text);
    });
  model
    .command('run <file>')
    .description("generate text with twinbox's engine")
    .option('-p, --prompt <text>', 'prompt', 'Hello')
    .option('-n, --tokens <n>', 'tokens to generate', '32')
    .option('--temp <t>', 'temperature (0 = greedy)', '0')
    .option('--top-k <k>', 'top-k (0 = off)', '40')
    .option('--top-p <p>', 'top-p (1 = off)', '0.95')
    .option('--seed <n>', 'sampling seed', '1')
    .action((file: string, o: { prompt: string; tokens: string; temp: string; topK: string; topP: string; seed: string }) => {
      const bytes = readFile(file);
      if (bytes === null) return;
      const m = loadLlamaFile(bytes);
      if (typeof m === 'string') return fail(`${file}: ${m}`, 1);
      const sampling = { temperature: Number(o.temp), topK: Number(o.topK), topP: Number(o.topP) };
      const g = generate(new LlamaEngine(m), o.prompt, { maxTokens: Number(o.tokens), sampling, prng: new Prng(Number(o.seed) >>> 0) });
      if (typeof g === 'string') return fail(g, 1);
      process.stdout.write(`${JSON.stringify(g.text)}\ntokens: ${g.tokens.join(' ')}\n`);
    });
}
