// The N_TTY line discipline (drivers/tty/n_tty.c, reduced): input processing (ICRNL,
// IGNCR, INLCR), canonical line editing (erase, kill, werase, EOF) with echo, ISIG
// characters sending signals to the foreground process group, non-canonical reads with
// VMIN/VTIME, and output processing (OPOST/ONLCR). Pure state; the TTY wires it to a
// device and to waiting readers.

import {
  ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ICANON, ICRNL, IGNCR, INLCR, ISIG, IEXTEN, NOFLSH, OCRNL, ONLCR, OPOST,
  VEOF, VEOL, VEOL2, VERASE, VINTR, VKILL, VLNEXT, VQUIT, VSUSP, VWERASE, type Termios,
} from './termios';

export const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20;
/** Canonical lines longer than this are cut, as N_TTY_BUF_SIZE does. */
export const N_TTY_BUF_SIZE = 4096;

export interface LineDisciplineIo {
  echo(bytes: number[]): void;
  signal(sig: number): void;
}

export class LineDiscipline {
  /** Completed input ready for read(): in canonical mode, whole lines (EOF is an empty chunk). */
  readonly ready: Uint8Array[] = [];
  /** The canonical line being edited. */
  private line: number[] = [];
  private literalNext = false;

  constructor(
    public termios: Termios,
    private readonly io: LineDisciplineIo,
  ) {}

  get readyBytes(): number {
    return this.ready.reduce((n, c) => n + c.length, 0);
  }

  /** True when a read would return something now (data, or EOF in canonical mode). */
  get readable(): boolean {
    return this.ready.length > 0;
  }

  /** One byte from the device. */
  receive(byte: number): void {
    const t = this.termios;
    let c = byte;
    if (this.literalNext) {
      this.literalNext = false;
      this.addChar(c, true);
      return;
    }
    if (c === 13) {
      if (t.iflag & IGNCR) return;
      if (t.iflag & ICRNL) c = 10;
    } else if (c === 10 && t.iflag & INLCR) c = 13;
    if (t.lflag & ISIG && this.handleSignalChar(c)) return;
    if (t.lflag & ICANON) this.canonical(c);
    else this.addChar(c, false);
  }

  /** Output processing for bytes a process writes. */
  processOutput(data: Uint8Array): Uint8Array {
    const t = this.termios;
    if (!(t.oflag & OPOST) || !(t.oflag & (ONLCR | OCRNL))) return data;
    const out: number[] = [];
    for (const b of data) {
      if (b === 10 && t.oflag & ONLCR) out.push(13, 10);
      else if (b === 13 && t.oflag & OCRNL) out.push(10);
      else out.push(b);
    }
    return Uint8Array.from(out);
  }

  /** Takes up to `lenBytes` of ready input: one line at most in canonical mode. */
  take(lenBytes: number): Uint8Array {
    const canon = (this.termios.lflag & ICANON) !== 0;
    const out: number[] = [];
    while (this.ready.length > 0 && out.length < lenBytes) {
      const chunk = this.ready[0];
      const n = Math.min(chunk.length, lenBytes - out.length);
      for (let i = 0; i < n; i++) out.push(chunk[i]);
      if (n === chunk.length) this.ready.shift();
      else this.ready[0] = chunk.subarray(n);
      if (canon) break;
    }
    return Uint8Array.from(out);
  }

  /** Switching out of canonical mode hands the partial line to readers, as n_tty does. */
  setTermios(t: Termios): void {
    const wasCanon = (this.termios.lflag & ICANON) !== 0;
    this.termios = t;
    if (wasCanon && !(t.lflag & ICANON) && this.line.length > 0) {
      this.ready.push(Uint8Array.from(this.line));
      this.line = [];
    }
  }

  flushInput(): void {
    this.ready.length = 0;
    this.line = [];
  }

  private handleSignalChar(c: number): boolean {
    const cc = this.termios.cc;
    const sig = c === cc[VINTR] ? SIGINT : c === cc[VQUIT] ? SIGQUIT : c === cc[VSUSP] ? SIGTSTP : 0;
    if (sig === 0 || c === 0) return false;
    if (!(this.termios.lflag & NOFLSH)) this.flushInput();
    this.echoChar(c);
    if (this.termios.lflag & ECHO) this.io.echo([10]);
    this.io.signal(sig);
    return true;
  }

  private canonical(c: number): void {
    const t = this.termios;
    const cc = t.cc;
    if (t.lflag & IEXTEN && c === cc[VLNEXT] && c !== 0) {
      this.literalNext = true;
      return;
    }
    if (c === cc[VERASE] && c !== 0) return this.erase(1);
    if (c === cc[VWERASE] && c !== 0 && t.lflag & IEXTEN) return this.eraseWord();
    if (c === cc[VKILL] && c !== 0) {
      if (t.lflag & ECHOK && !(t.lflag & ECHOKE) && t.lflag & ECHO) {
        this.line = [];
        this.io.echo([10]);
        return;
      }
      return this.erase(this.line.length);
    }
    if (c === cc[VEOF] && c !== 0) {
      this.ready.push(Uint8Array.from(this.line));
      this.line = [];
      return;
    }
    this.addChar(c, false);
  }

  private addChar(c: number, literal: boolean): void {
    const t = this.termios;
    if (!(t.lflag & ICANON)) {
      this.echoChar(c);
      this.ready.push(Uint8Array.of(c));
      return;
    }
    const eol = !literal && (c === 10 || (c === t.cc[VEOL] && c !== 0) || (c === t.cc[VEOL2] && c !== 0));
    if (this.line.length >= N_TTY_BUF_SIZE - 1 && !eol) return;
    this.line.push(c);
    if (c === 10 && t.lflag & ECHONL && !(t.lflag & ECHO)) this.io.echo([10]);
    else this.echoChar(c);
    if (eol) {
      this.ready.push(Uint8Array.from(this.line));
      this.line = [];
    }
  }

  private echoChar(c: number): void {
    const t = this.termios;
    if (!(t.lflag & ECHO)) return;
    if (t.lflag & ECHOCTL && (c < 32 || c === 127) && c !== 10 && c !== 9) this.io.echo([0x5e, c ^ 0x40]);
    else this.io.echo([c]);
  }

  private erase(count: number): void {
    const t = this.termios;
    for (let i = 0; i < count && this.line.length > 0; i++) {
      const c = this.line.pop()!;
      if (!(t.lflag & ECHO)) continue;
      const width = t.lflag & ECHOCTL && (c < 32 || c === 127) && c !== 9 ? 2 : 1;
      for (let w = 0; w < width; w++) this.io.echo(t.lflag & ECHOE ? [8, 32, 8] : [8]);
    }
  }

  private eraseWord(): void {
    let n = 0;
    let i = this.line.length - 1;
    while (i >= 0 && (this.line[i] === 32 || this.line[i] === 9)) { i--; n++; }
    while (i >= 0 && this.line[i] !== 32 && this.line[i] !== 9) { i--; n++; }
    this.erase(n);
  }
}
