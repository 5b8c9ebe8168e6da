// eventfd: a 64-bit counter as a file. write adds, read returns and clears it (or takes 1
// in semaphore mode); reads block at zero and writes block at overflow (0xffff...fe).

import { EAGAIN, EINVAL } from './errno';
import { O_NONBLOCK, O_RDWR, OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from './file';
import { WaitQueue, block } from './wait';

export const EFD_SEMAPHORE = 1;
const MAX = 0xffff_ffff_ffff_fffen;

export function createEventfd(initval: number, flags: number): OpenFile {
  let count = BigInt(initval >>> 0);
  const readWait = new WaitQueue(), writeWait = new WaitQueue();
  const sem = (flags & EFD_SEMAPHORE) !== 0;
  const ops: FileOps = {
    seekable: false,
    read(f, len) {
      if (len < 8) return -EINVAL;
      if (count === 0n) return f.flags & O_NONBLOCK ? -EAGAIN : block([readWait]);
      const v = sem ? 1n : count;
      count -= v;
      writeWait.wakeAll();
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, v, true);
      return b;
    },
    write(f, data) {
      if (data.length < 8) return -EINVAL;
      const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
      if (v === 0xffff_ffff_ffff_ffffn) return -EINVAL;
      if (count + v > MAX) return f.flags & O_NONBLOCK ? -EAGAIN : block([writeWait]);
      count += v;
      if (v > 0n) readWait.wakeAll();
      return 8;
    },
    poll: () => ({
      mask: (count > 0n ? POLLIN | POLLRDNORM : 0) | (count < MAX ? POLLOUT | POLLWRNORM : 0),
      queues: [readWait, writeWait],
    }),
  };
  return new OpenFile(ops, O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[eventfd]');
}
