// Named pipes (FIFOs): opening one attaches to the pipe held by its node. Open for read
// blocks until a writer arrives (and the reverse), unless O_NONBLOCK, as fifo_open does.

import { ENXIO } from './errno';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY, OpenFile } from './file';
import type { Kernel } from './kernel';
import { Pipe } from './pipe';
import { sendSignal } from './signal';
import { SIGPIPE } from './signal-defs';
import type { Task } from './task';
import type { FsNode } from '../fs/node';

const pipes = new WeakMap<FsNode, Pipe>();

export function openFifo(k: Kernel, _t: Task, node: FsNode, flags: number, path: string): OpenFile | number {
  let p = pipes.get(node);
  if (!p) {
    p = new Pipe((task) => sendSignal(k, task, SIGPIPE));
    pipes.set(node, p);
  }
  const acc = flags & O_ACCMODE;
  if (acc === O_WRONLY && p.readers === 0 && flags & O_NONBLOCK) return -ENXIO;
  // Not modelled: open blocking until the other end opens. The open succeeds at once, so
  // a read before any writer has opened sees end-of-file.
  if (acc === O_RDONLY) {
    p.readers++;
    return new OpenFile(p.readEndOps(), flags, path, node);
  }
  if (acc === O_WRONLY) {
    p.writers++;
    return new OpenFile(p.writeEndOps(), flags, path, node);
  }
  p.readers++;
  p.writers++;
  const both = p;
  const r = both.readEndOps(), w = both.writeEndOps();
  return new OpenFile({ ...r, write: w.write, release: () => { r.release?.(new OpenFile(r, 0, '')); w.release?.(new OpenFile(w, 0, '')); } }, flags, path, node);
}
