// The guest's inference path against llama.cpp: a GGUF loaded by the conductor inside the guest
// (read(2) from the initramfs, parsed and run by guest/llm) answers each task with exactly the greedy
// tokens node-llama-cpp's llama.cpp gives for the same prompt on the same F32 file.

import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLlamaCpp } from '../../../tools/model/llama-cpp';
import { makeModel } from '../../../tools/model/make';
import { parseKeyValues } from './files';
import { buildPrompt } from './retrieval';
import { bootAi, TINY_SHAPE } from './testing';

const QUESTIONS = ['Where do results go?', 'What drives the GPU?', 'Summarise the queue.'];
const dir = mkdtempSync(join(tmpdir(), 'twinbox-ai-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conductor answers against llama.cpp', () => {
  it('greedy answers in the guest are llama.cpp greedy continuations (F32 model)', async () => {
    const model = makeModel({ ...TINY_SHAPE, type: 'f32', seed: 7 });
    const path = join(dir, 'm.gguf');
    writeFileSync(path, model);
    const tasks = QUESTIONS.map((q, i) => `printf '${q}' > /var/spool/conductor/q${i}.task`).join('; ');
    const r = bootAi({
      files: { '/models/f32.gguf': model },
      input: ['mkdir -p /var/spool/conductor\n', `${tasks}\n`, 'conductor -m /models/f32.gguf -n 12 --duration 5\n',
        'for f in /data/results/*.out; do cat $f; echo --; done\n', 'poweroff\n'],
    });
    const out = r.output.replace(/\r\n/g, '\n');
    const results = out.split('--\n').map(parseKeyValues).filter((m) => m.has('answer_tokens'));
    expect(results).toHaveLength(QUESTIONS.length);
    const oracle = await openLlamaCpp(path, 256, 1);
    if (typeof oracle === 'string') throw new Error(oracle);
    try {
      for (const res of results) {
        const q = JSON.parse(res.get('question')!) as string;
        const theirs = await oracle.greedy(oracle.tokenize(buildPrompt([], q)), 12);
        expect(theirs.length).toBeGreaterThan(0);
        expect(res.get('answer_tokens')).toBe(theirs.join(','));
      }
    } finally {
      await oracle.dispose();
    }
  }, 120_000);
});
