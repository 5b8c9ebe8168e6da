// Redirections (XCU 2.7). For builtins, functions and compound commands the original fds
// are saved above 10 (close-on-exec) and restored afterwards; in a child they are applied
// for good. Error texts are ash's: "can't open F: no such file", "can't create F: ...".

import { ENOENT, ENOTDIR, strerror } from '../libc/errno';
import {
  F_DUPFD_CLOEXEC, O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY,
} from '../libc/numbers';
import type { Sc, Sys } from '../libc/sys';
import { utf8 } from '../libc/text';
import type { Redir } from './ast';
import type { Shell } from './shell';

/** [fd, saved copy or -1 if it was closed] in application order. */
export type SavedFds = [number, number][];

const PIPE_SAFE_BYTES = 4096;

function openFlags(op: Redir['op']): number {
  switch (op) {
    case '<': return O_RDONLY;
    case '<>': return O_RDWR | O_CREAT;
    case '>>': return O_WRONLY | O_CREAT | O_APPEND;
    default: return O_WRONLY | O_CREAT | O_TRUNC;
  }
}

function openError(op: Redir['op'], path: string, err: number): string {
  const e = -err;
  const reading = op === '<';
  const short = reading ? 'no such file' : 'nonexistent directory';
  const what = e === ENOENT || e === ENOTDIR ? short : strerror(e);
  return `can't ${reading ? 'open' : 'create'} ${path}: ${what}`;
}

/** A here-document body on a pipe's read end; bodies beyond one pipe buffer are written by a child. */
function* hereDocFd(sh: Shell, body: string): Sc<number> {
  const pipe = yield* sh.sys.pipe2();
  if (typeof pipe === 'number') return pipe;
  const [r, w] = pipe;
  const bytes = utf8(body);
  if (bytes.length <= PIPE_SAFE_BYTES) {
    yield* sh.sys.write(w, bytes);
  } else {
    yield* sh.spawn(function* (child: Shell) {
      yield* child.sys.close(r);
      yield* child.sys.write(w, bytes);
      return 0;
    }, false);
  }
  yield* sh.sys.close(w);
  return r;
}

/** The fd a redirection's target names: an open file, a dup source, or 'close'. */
function* targetFd(sh: Shell, r: Redir, fd: number): Sc<number | 'close' | undefined> {
  if (r.heredoc) {
    const body = r.heredoc.literal ? r.heredoc.body : yield* sh.expander.hereDoc(r.heredoc.body);
    const hfd = yield* hereDocFd(sh, body);
    return hfd < 0 ? undefined : hfd;
  }
  const target = yield* sh.expander.text(r.target);
  if (r.op === '<&' || r.op === '>&') {
    if (target === '-') return 'close';
    if (!/^[0-9]+$/.test(target)) {
      yield* sh.diag(`${target}: bad number`);
      return undefined;
    }
    const src = Number(target);
    if (src === fd) return src;
    const probe = yield* sh.sys.fcntl(src, 1);
    if (probe < 0) {
      yield* sh.diag(`${src}: ${strerror(probe)}`);
      return undefined;
    }
    return -1 - src;
  }
  const opened = yield* sh.sys.open(target, openFlags(r.op));
  if (opened < 0) {
    yield* sh.diag(openError(r.op, target, opened));
    return undefined;
  }
  return opened;
}

/** Applies redirections; returns what to restore (empty if !save), or undefined on error (already reported). */
export function* applyRedirs(sh: Shell, redirs: readonly Redir[], save: boolean): Sc<SavedFds | undefined> {
  const saved: SavedFds = [];
  for (const r of redirs) {
    const fd = r.fd ?? (r.op.startsWith('<') ? 0 : 1);
    const t = yield* targetFd(sh, r, fd);
    if (t === undefined) {
      yield* restoreRedirs(sh.sys, saved);
      return undefined;
    }
    if (save && !saved.some(([f]) => f === fd)) saved.push([fd, yield* sh.sys.fcntl(fd, F_DUPFD_CLOEXEC, 10)]);
    if (t === 'close') {
      yield* sh.sys.close(fd);
    } else if (t < 0) {
      yield* sh.sys.dup3(-1 - t, fd);
    } else if (t !== fd) {
      yield* sh.sys.dup3(t, fd);
      yield* sh.sys.close(t);
    }
  }
  return saved;
}

export function* restoreRedirs(sys: Sys, saved: SavedFds): Sc<void> {
  for (const [fd, copy] of [...saved].reverse()) {
    if (copy >= 0) {
      yield* sys.dup3(copy, fd);
      yield* sys.close(copy);
    } else {
      yield* sys.close(fd);
    }
  }
}
