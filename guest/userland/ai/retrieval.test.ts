import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadLlamaFile, type LlamaModel } from '../../llm/model';
import { buildPrompt, cosine, embedText, topK, type Doc } from './retrieval';
import { bootAi, tinyModel } from './testing';

const model = loadLlamaFile(tinyModel()) as LlamaModel;
const TEXTS = ['System 1 drives the GPU scanout.', 'The volume is ext2 on /dev/vda.', 'Tasks wait in the spool directory.', 'zzzz qqqq xxxx'];
const docs: Doc[] = TEXTS.map((text, i) => ({ name: `d${i}.txt`, text, vector: embedText(model, text) }));

describe('retrieval', () => {
  it('embeddings are unit vectors; a document is its own best match', () => {
    for (const d of docs) {
      expect(cosine(d.vector, d.vector)).toBeCloseTo(1, 5);
      expect(topK(docs, embedText(model, d.text), 1)[0]!.doc.name).toBe(d.name);
    }
  });

  it('top-k is sorted by score, at most k long, deterministic (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 6 }), (q, k) => {
      const hits = topK(docs, embedText(model, q), k);
      expect(hits.length).toBe(Math.min(k, docs.length));
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      expect(topK(docs, embedText(model, q), k)).toEqual(hits);
    }));
  });

  it('the prompt is the retrieved passages then the question', () => {
    expect(buildPrompt([{ doc: docs[1]! }], ' Where? ')).toBe('[d1.txt] The volume is ext2 on /dev/vda.\nQ: Where?\nA:');
    expect(buildPrompt([], 'Q')).toBe('Q: Q\nA:');
  });

  it('`retrieve` ranks the documents of a directory in the guest', () => {
    const files = Object.fromEntries(TEXTS.map((t, i) => [`/data/docs/d${i}.txt`, t]));
    const out = bootAi({ files, input: ['retrieve -m /models/tiny.gguf -d /data/docs -k 2 The volume is ext2 on /dev/vda\n', 'poweroff\n'] }).output.replace(/\r\n/g, '\n');
    expect(out).toMatch(/\n0\.9\d{3} d1\.txt\n0\.\d{4} d\d\.txt\n/);
  });
});
