import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseKeyValues } from './files';
import { orderTasks, parseTaskBody, parseTaskName } from './task-queue';
import { bootAi } from './testing';

const DOCS = {
  '/data/docs/gpu.txt': 'System 1 drives the GPU: virtio-gpu scanout, the dashboard, frame pacing.',
  '/data/docs/volume.txt': 'The volume is ext2 on /dev/vda, mounted at /data; results go to /data/results.',
  '/data/docs/queue.txt': 'The conductor queue takes tasks from the spool directory in priority order.',
};

/** The results the guest printed between two markers, as id → key=value map. */
function results(raw: string): Map<string, Map<string, string>> {
  const out = raw.replace(/\r\n/g, '\n');
  const start = out.indexOf('==R==\n') + 6;
  const body = out.slice(start, out.indexOf('==E==\n', start));
  const map = new Map<string, Map<string, string>>();
  for (const chunk of body.split('--\n').filter((c) => c.includes('id='))) {
    const kv = parseKeyValues(chunk);
    map.set(kv.get('id')!, kv);
  }
  return map;
}
const SHOW = 'echo ==R==; for f in /data/results/*.out; do cat $f; echo --; done; echo ==E==; ls /var/spool/conductor | wc -l\n';

describe('task queue rules', () => {
  it('priority from the name prefix or the body, lower first, ties by name', () => {
    expect(parseTaskName('p1-a.task')).toEqual({ name: 'p1-a.task', id: 'p1-a', priority: 1 });
    expect(parseTaskName('job.task')?.priority).toBe(5);
    expect(parseTaskName('job.tmp')).toBeUndefined();
    expect(parseTaskBody('priority=0\nwhat?\n')).toEqual({ priority: 0, question: 'what?' });
    expect(orderTasks(['p5-b.task', 'x.tmp', 'p1-z.task', 'p5-a.task', 'p0-q.task']).map((t) => t.id)).toEqual(['p0-q', 'p1-z', 'p5-a', 'p5-b']);
  });

  it('ordering is a total order: any permutation of the spool gives the same queue (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.stringMatching(/^[a-z0-9]{1,6}$/)), { minLength: 1, maxLength: 20, selector: ([, n]) => n }), fc.integer(), (specs, seed) => {
      const names = specs.map(([p, n]) => `p${p}-${n}.task`);
      const shuffled = [...names].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
      expect(orderTasks(shuffled)).toEqual(orderTasks(names));
      const prios = orderTasks(names).map((t) => t.priority);
      expect(prios).toEqual([...prios].sort((a, b) => a - b));
    }));
  });
});

describe('conductor in the guest', () => {
  it('processes queued tasks in priority order with retrieval, results on the volume, spool emptied', () => {
    const r = bootAi({
      files: DOCS,
      input: [
        'mkdir -p /var/spool/conductor; cd /var/spool/conductor\n',
        "printf 'The volume is ext2 on /dev/vda, mounted at /data: where do results go?' > p5-late.task; printf 'priority=0\\nWhat drives the GPU?' > b.task; printf 'What order does the queue use?' > p1-first.task\n",
        'cd /; conductor -m /models/tiny.gguf -n 4 -k 1 --docs /data/docs --duration 20 &\n',
        'sleep 25\n', SHOW, 'cat /run/rayos/conductor\n', 'poweroff\n',
      ],
    });
    const out = r.output.replace(/\r\n/g, '\n');
    const res = results(out);
    expect([...res.keys()].sort()).toEqual(['b', 'p1-first', 'p5-late']);
    const finished = (id: string) => Number(res.get(id)!.get('finished_ns'));
    expect(finished('b')).toBeLessThan(finished('p1-first'));
    expect(finished('p1-first')).toBeLessThan(finished('p5-late'));
    expect(res.get('b')!.get('priority')).toBe('0');
    expect(res.get('b')!.get('retrieved')).toBe('gpu.txt');
    expect(res.get('p5-late')!.get('retrieved')).toBe('volume.txt');
    expect(Number(res.get('b')!.get('gen_tokens'))).toBeGreaterThan(0);
    expect(JSON.parse(res.get('b')!.get('question')!)).toBe('What drives the GPU?');
    expect(out).toMatch(/==E==\n0\n/);
    expect(out).toMatch(/state=stopped\nqueued=0\nprocessed=3\nfailed=0\nlast_id=p5-late\n/);
  });

  it('never loses a task under random submission times and priorities (property)', () => {
    const task = fc.record({ delayMs: fc.integer({ min: 0, max: 3000 }), prio: fc.integer({ min: 0, max: 9 }) });
    fc.assert(fc.property(fc.array(task, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1000 }), (tasks, seed) => {
      const submit = tasks.map((t, i) => {
        const id = `t${String(i).padStart(2, '0')}`;
        return `sleep ${(t.delayMs / 1000).toFixed(3)}; printf 'priority=${t.prio}\\nquestion ${i}' > /var/spool/conductor/${id}.tmp; mv /var/spool/conductor/${id}.tmp /var/spool/conductor/${id}.task`;
      }).join('; ');
      const r = bootAi({
        seed,
        input: [
          'mkdir -p /var/spool/conductor\n',
          'conductor -m /models/tiny.gguf -n 2 --poll 1 --duration 40 &\n',
          `${submit}\n`, 'sleep 40\n', SHOW, 'poweroff\n',
        ],
      });
      const res = results(r.output);
      expect([...res.keys()].sort()).toEqual(tasks.map((_, i) => `t${String(i).padStart(2, '0')}`));
      tasks.forEach((t, i) => expect(res.get(`t${String(i).padStart(2, '0')}`)!.get('priority')).toBe(String(t.prio)));
      expect(r.output.replace(/\r\n/g, '\n')).toMatch(/==E==\n0\n/);
    }), { numRuns: 6, seed: 9 });
  });
});
