// /dev/fbN (char 29:N): the fbdev file operations over a Framebuffer, with Linux's semantics:
// read/write of the pixel memory at the file position (fb_sys_read / fb_sys_write, including
// their -EFBIG / -ENOSPC answers at the end), mmap(MAP_SHARED) of the frames themselves, and
// the FBIOGET/PUT_VSCREENINFO, FBIOGET_FSCREENINFO, FBIOPAN_DISPLAY and FBIOBLANK ioctls.

import type { DeviceFrames, FileOps, OpenFile } from '../../kernel/file';
import type { Task } from '../../kernel/task';
import {
  decodeVar, encodeFix, encodeVar, FB_VAR_BYTES, FBIOBLANK, FBIOGET_FSCREENINFO, FBIOGET_VSCREENINFO, FBIOPAN_DISPLAY,
  FBIOPUT_VSCREENINFO,
} from './fb-structs';
import type { Framebuffer } from './framebuffer';

const EFAULT = 14, EINVAL = 22, EFBIG = 27, ENOSPC = 28, ENOTTY = 25;
const PAGE = 4096;

export function fbFileOps(fb: Framebuffer): FileOps {
  return {
    seekable: true,
    read: (f, len) => {
      if (f.pos >= fb.sizeBytes) return new Uint8Array(0);
      const out = fb.read(f.pos, Math.min(len, fb.sizeBytes - f.pos));
      f.pos += out.length;
      return out;
    },
    write: (f, data) => fbWrite(fb, f, data),
    ioctl: (_f, cmd, arg, task) => fbIoctl(fb, cmd, arg, task),
    mmapFrames: (_f, offsetBytes, lenBytes) => fbMmap(fb, offsetBytes, lenBytes),
  };
}

/** fb_sys_write: a write running past the end stores what fits and still answers -ENOSPC. */
function fbWrite(fb: Framebuffer, f: OpenFile, data: Uint8Array): number {
  const total = fb.sizeBytes;
  if (f.pos > total) return -EFBIG;
  let count = data.length, err = 0;
  if (count > total) {
    err = -EFBIG;
    count = total;
  }
  if (count + f.pos > total) {
    if (!err) err = -ENOSPC;
    count = total - f.pos;
  }
  fb.store(f.pos, data.subarray(0, count));
  const r = fb.flush();
  if (err) return err;
  f.pos += count;
  return r < 0 ? r : count;
}

function fbIoctl(fb: Framebuffer, cmd: number, arg: number, task: Task): number {
  switch (cmd) {
    case FBIOGET_VSCREENINFO: return task.mm.write(arg, encodeVar(fb.varInfo())) ? 0 : -EFAULT;
    case FBIOGET_FSCREENINFO: return task.mm.write(arg, encodeFix(fb.fixInfo())) ? 0 : -EFAULT;
    case FBIOPUT_VSCREENINFO: {
      const b = task.mm.read(arg, FB_VAR_BYTES);
      const v = b && decodeVar(b);
      if (!v) return -EFAULT;
      const r = fb.setVar(v);
      if (r !== 0) return r;
      // The kernel copies the resulting mode back, as fb_set_var's caller does.
      return task.mm.write(arg, encodeVar(fb.varInfo())) ? 0 : -EFAULT;
    }
    case FBIOPAN_DISPLAY: {
      const b = task.mm.read(arg, FB_VAR_BYTES);
      const v = b && decodeVar(b);
      return v ? fb.pan(v.xoffset, v.yoffset) : -EFAULT;
    }
    case FBIOBLANK: return fb.blank(arg);
    default: return -ENOTTY;
  }
}

function fbMmap(fb: Framebuffer, offsetBytes: number, lenBytes: number): DeviceFrames | number {
  const pages = Math.ceil(lenBytes / PAGE);
  const first = offsetBytes / PAGE;
  if (!Number.isInteger(first) || first + pages > fb.frames.length) return -EINVAL;
  return {
    frames: fb.frames.slice(first, first + pages),
    onWrite: (off, len) => fb.markDamageDeferred(off, len),
    onSync: () => void fb.flushAll(),
  };
}
