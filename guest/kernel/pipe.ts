// Pipes (fs/pipe.c): a bounded byte ring shared by a read end and a write end. Writes of
// at most PIPE_BUF bytes are atomic; larger blocking writes proceed in pieces; writing with
// no reader raises SIGPIPE and fails EPIPE; reading with no writer returns end of file.

import { EAGAIN, EPIPE } from './errno';
import { O_NONBLOCK, O_RDONLY, O_WRONLY, OpenFile, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from './file';
import type { Task } from './task';
import { WaitQueue, block, type Block } from './wait';

export const PIPE_BUF = 4096;
export const PIPE_CAPACITY = 65536;

export class Pipe {
  private buf = new Uint8Array(PIPE_CAPACITY);
  private head = 0;
  private count = 0;
  readers = 0;
  writers = 0;
  readonly readWait = new WaitQueue();
  readonly writeWait = new WaitQueue();

  constructor(private readonly sigpipe: (t: Task) => void) {}

  get available(): number {
    return this.count;
  }

  get space(): number {
    return PIPE_CAPACITY - this.count;
  }

  read(f: OpenFile, lenBytes: number): Uint8Array | number | Block {
    if (this.count === 0) {
      if (this.writers === 0) return new Uint8Array(0);
      if (f.flags & O_NONBLOCK) return -EAGAIN;
      return block([this.readWait]);
    }
    const n = Math.min(lenBytes, this.count);
    const out = new Uint8Array(n);
    const first = Math.min(n, PIPE_CAPACITY - this.head);
    out.set(this.buf.subarray(this.head, this.head + first));
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    this.head = (this.head + n) % PIPE_CAPACITY;
    this.count -= n;
    this.writeWait.wakeAll();
    return out;
  }

  write(f: OpenFile, data: Uint8Array, t: Task): number | Block {
    const done = t.restart['pipeWritten'] ?? 0;
    if (this.readers === 0) {
      this.sigpipe(t);
      return done > 0 ? done : -EPIPE;
    }
    const rest = data.subarray(done);
    const atomic = data.length <= PIPE_BUF;
    const fits = atomic ? (this.space >= rest.length ? rest.length : 0) : Math.min(this.space, rest.length);
    if (fits === 0) {
      if (f.flags & O_NONBLOCK) return done > 0 ? done : -EAGAIN;
      return block([this.writeWait]);
    }
    this.push(rest.subarray(0, fits));
    this.readWait.wakeAll();
    const total = done + fits;
    if (total < data.length && !(f.flags & O_NONBLOCK)) {
      t.restart['pipeWritten'] = total;
      return block([this.writeWait]);
    }
    return total;
  }

  private push(data: Uint8Array): void {
    const tail = (this.head + this.count) % PIPE_CAPACITY;
    const first = Math.min(data.length, PIPE_CAPACITY - tail);
    this.buf.set(data.subarray(0, first), tail);
    if (first < data.length) this.buf.set(data.subarray(first), 0);
    this.count += data.length;
  }

  readEndOps(): FileOps {
    return {
      seekable: false,
      read: (f, len) => this.read(f, len),
      poll: () => ({ mask: (this.count > 0 ? POLLIN | POLLRDNORM : 0) | (this.writers === 0 ? POLLHUP : 0), queues: [this.readWait] }),
      release: () => {
        this.readers--;
        this.writeWait.wakeAll();
      },
    };
  }

  writeEndOps(): FileOps {
    return {
      seekable: false,
      write: (f, data, t) => this.write(f, data, t),
      poll: () => ({ mask: (this.space >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0) | (this.readers === 0 ? POLLERR : 0), queues: [this.writeWait] }),
      release: () => {
        this.writers--;
        this.readWait.wakeAll();
      },
    };
  }
}

/** A new pipe's two open files: [read end, write end]. */
export function createPipe(sigpipe: (t: Task) => void, flags: number): [OpenFile, OpenFile] {
  const p = new Pipe(sigpipe);
  p.readers = 1;
  p.writers = 1;
  const extra = flags & O_NONBLOCK;
  return [new OpenFile(p.readEndOps(), O_RDONLY | extra, 'pipe:'), new OpenFile(p.writeEndOps(), O_WRONLY | extra, 'pipe:')];
}
