// Named pipes (FIFOs): opening one attaches to the pipe held by its node. As fifo_open does,
// an open for reading waits for a writer and an open for writing waits for a reader (unless
// O_NONBLOCK: then a reader opens at once and a writer fails ENXIO); O_RDWR never waits.

import { ENXIO } from './errno';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY, OpenFile } from './file';
import type { Kernel } from './kernel';
import { Pipe } from './pipe';
import { sendSignal } from './signal';
import { SIGPIPE } from './signal-defs';
import type { Task } from './task';
import { WaitQueue, block, type Block } from './wait';
import type { FsNode } from '../fs/node';

interface Fifo {
  pipe: Pipe;
  /** Openers waiting for the other end. */
  openWait: WaitQueue;
  /** Opens ever made for each end, so a waiter sees a partner that came and went. */
  readOpens: number;
  writeOpens: number;
}

const fifos = new WeakMap<FsNode, Fifo>();

function fifoFor(k: Kernel, node: FsNode): Fifo {
  let f = fifos.get(node);
  if (!f) {
    f = { pipe: new Pipe((task) => sendSignal(k, task, SIGPIPE)), openWait: new WaitQueue(), readOpens: 0, writeOpens: 0 };
    fifos.set(node, f);
  }
  return f;
}

export function openFifo(k: Kernel, t: Task, node: FsNode, flags: number, path: string): OpenFile | number | Block {
  const f = fifoFor(k, node);
  const p = f.pipe;
  const acc = flags & O_ACCMODE;
  if (acc !== O_RDONLY && acc !== O_WRONLY) {
    p.readers++;
    p.writers++;
    f.openWait.wakeAll();
    const r = p.readEndOps(), w = p.writeEndOps();
    return new OpenFile({ ...r, write: w.write, poll: r.poll, release: (x) => { r.release?.(x); w.release?.(x); } }, flags, path, node);
  }
  const reading = acc === O_RDONLY;
  if (!reading && p.readers === 0 && flags & O_NONBLOCK) return -ENXIO;
  // The first attempt counts this opener in; a retry after sleeping must not count it again.
  if (t.restart['fifoSeen'] === undefined) {
    if (reading) { p.readers++; f.readOpens++; } else { p.writers++; f.writeOpens++; }
    t.restart['fifoSeen'] = reading ? f.writeOpens : f.readOpens;
    f.openWait.wakeAll();
  }
  const partnerNow = reading ? p.writers > 0 || f.writeOpens > t.restart['fifoSeen'] : p.readers > 0 || f.readOpens > t.restart['fifoSeen'];
  if (!partnerNow && !(flags & O_NONBLOCK)) return block([f.openWait]);
  return new OpenFile(reading ? p.readEndOps() : p.writeEndOps(), flags, path, node);
}
