// A simulated host's HTTP server: the server side of RFC 9293 TCP, kept small. It listens on one
// port, answers each connection's HTTP/1.x request (GET/HEAD from a page table) and closes
// first, so it walks SYN-RECEIVED → ESTABLISHED → FIN-WAIT-1/2 → TIME-WAIT (or CLOSE-WAIT →
// LAST-ACK when the client half-closes first). Only in-order segments are accepted (others get a
// duplicate ACK); unacknowledged data is resent go-back-N on an RFC 6298 timer (1 s initial,
// doubling, 8 tries). RST and SYN handling follow RFC 9293 §3.10.7 with RFC 5961 challenge ACKs.

import type { EventHandle, EventScheduler } from '../../../emulator/time/scheduler';
import type { Prng } from '../../../emulator/random/prng';
import type { Ipv4Addr, Mac } from '../../../guest/net/wire/bytes';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpRepr } from '../../../guest/net/wire/tcp';

const OUR_MSS = 1460;
const DEFAULT_PEER_MSS = 536;
const WINDOW = 65535;
const INITIAL_RTO_NS = 1_000_000_000;
const MAX_RTO_NS = 60_000_000_000;
const MAX_RETRIES = 8;
const TIME_WAIT_NS = 60_000_000_000;
const MAX_CONNECTIONS = 16;
const MAX_REQUEST_BYTES = 8192;

type State = 'SYN-RECEIVED' | 'ESTABLISHED' | 'CLOSE-WAIT' | 'LAST-ACK' | 'FIN-WAIT-1' | 'FIN-WAIT-2' | 'CLOSING' | 'TIME-WAIT';
export type SendSegment = (dstMac: Mac, dst: Ipv4Addr, seg: TcpRepr) => void;

interface Conn {
  key: string;
  peerMac: Mac;
  peerIp: Ipv4Addr;
  peerPort: number;
  state: State;
  iss: number;
  sndUna: number;
  sndNxt: number;
  rcvNxt: number;
  peerMss: number;
  peerWindow: number;
  request: number[];
  /** The response stream; null until the request is complete. FIN follows it. */
  out: Uint8Array | null;
  rtoNs: number;
  retries: number;
  timer: EventHandle | null;
}

const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const add = (a: number, n: number): number => (a + n) >>> 0;

function bareSegment(srcPort: number, dstPort: number, seq: number, ack: number, flags: number): TcpRepr {
  return { srcPort, dstPort, seq, ack, flags, window: flags & TCP_RST ? 0 : WINDOW, urgent: 0, options: {}, payload: new Uint8Array(0) };
}

export class TcpResponder {
  private readonly conns = new Map<string, Conn>();
  connectionsServed = 0;

  constructor(
    private readonly sched: EventScheduler,
    private readonly prng: Prng,
    readonly port: number,
    private readonly pages: Record<string, string>,
    private readonly sendSegment: SendSegment,
  ) {}

  /** The RST a closed port answers with (RFC 9293 §3.10.7.1). */
  static resetFor(seg: TcpRepr, send: (seg: TcpRepr) => void): void {
    if (seg.flags & TCP_RST) return;
    if (seg.flags & TCP_ACK) return send(bareSegment(seg.dstPort, seg.srcPort, seg.ack, 0, TCP_RST));
    const len = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
    send(bareSegment(seg.dstPort, seg.srcPort, 0, add(seg.seq, len), TCP_RST | TCP_ACK));
  }

  get openConnections(): number {
    return this.conns.size;
  }

  segment(peerMac: Mac, peerIp: Ipv4Addr, seg: TcpRepr): void {
    const reply = (s: TcpRepr): void => this.sendSegment(peerMac, peerIp, s);
    if (seg.dstPort !== this.port) return TcpResponder.resetFor(seg, reply);
    const c = this.conns.get(`${peerIp}:${seg.srcPort}`);
    if (!c) return this.listen(peerMac, peerIp, seg, reply);
    c.peerMac = peerMac;
    this.onSegment(c, seg);
  }

  private listen(peerMac: Mac, peerIp: Ipv4Addr, seg: TcpRepr, reply: (s: TcpRepr) => void): void {
    if (seg.flags & TCP_RST) return;
    if (seg.flags & TCP_ACK || !(seg.flags & TCP_SYN)) return TcpResponder.resetFor(seg, reply);
    // A full backlog drops SYNs and the client retries. Connections in TIME-WAIT hold only their
    // 4-tuple, as in Linux, so they do not count: a client making many short requests is not stalled.
    let live = 0;
    for (const other of this.conns.values()) if (other.state !== 'TIME-WAIT') live++;
    if (live >= MAX_CONNECTIONS) return;
    const iss = this.prng.nextU32();
    const c: Conn = {
      key: `${peerIp}:${seg.srcPort}`, peerMac, peerIp, peerPort: seg.srcPort, state: 'SYN-RECEIVED', iss, sndUna: iss, sndNxt: add(iss, 1),
      rcvNxt: add(seg.seq, 1), peerMss: seg.options.mss ?? DEFAULT_PEER_MSS, peerWindow: seg.window, request: [], out: null, rtoNs: INITIAL_RTO_NS, retries: 0, timer: null,
    };
    this.conns.set(c.key, c);
    this.sendSynAck(c);
    this.arm(c);
  }

  private sendSynAck(c: Conn): void {
    this.emit(c, { ...bareSegment(this.port, c.peerPort, c.iss, c.rcvNxt, TCP_SYN | TCP_ACK), options: { mss: OUR_MSS } });
  }

  private onSegment(c: Conn, seg: TcpRepr): void {
    if (c.state === 'SYN-RECEIVED' && seg.flags & TCP_SYN && !(seg.flags & TCP_ACK) && add(seg.seq, 1) === c.rcvNxt) return this.sendSynAck(c);
    if (seg.seq !== c.rcvNxt) {
      if (!(seg.flags & TCP_RST)) this.ack(c);
      return;
    }
    if (seg.flags & TCP_RST) return this.drop(c);
    if (seg.flags & TCP_SYN) return this.ack(c); // RFC 5961 §4: challenge ACK
    if (!(seg.flags & TCP_ACK)) return;
    if (c.state === 'SYN-RECEIVED') {
      if (seg.ack !== add(c.iss, 1)) return this.emit(c, bareSegment(this.port, c.peerPort, seg.ack, 0, TCP_RST));
      c.state = 'ESTABLISHED';
    }
    if (!this.onAck(c, seg)) return;
    let mustAck = this.onData(c, seg);
    if (seg.flags & TCP_FIN) mustAck = this.onFin(c) || mustAck;
    if (!this.conns.has(c.key)) return;
    const sent = this.transmit(c);
    if (mustAck && !sent) this.ack(c);
  }

  /** Advances snd.una; false when the segment must be dropped. */
  private onAck(c: Conn, seg: TcpRepr): boolean {
    if (seqLt(c.sndNxt, seg.ack)) {
      this.ack(c);
      return false;
    }
    c.peerWindow = seg.window;
    if (seqLt(c.sndUna, seg.ack)) {
      c.sndUna = seg.ack;
      c.retries = 0;
      c.rtoNs = INITIAL_RTO_NS;
      this.disarm(c);
      if (c.sndUna !== c.sndNxt) this.arm(c);
    }
    if (c.out && c.sndUna === this.finSeqEnd(c)) this.onFinAcked(c);
    return this.conns.has(c.key);
  }

  private onFinAcked(c: Conn): void {
    if (c.state === 'FIN-WAIT-1') c.state = 'FIN-WAIT-2';
    else if (c.state === 'CLOSING') this.enterTimeWait(c);
    else if (c.state === 'LAST-ACK') this.drop(c);
  }

  private onData(c: Conn, seg: TcpRepr): boolean {
    const n = seg.payload.length;
    if (n === 0) return false;
    if (c.state !== 'ESTABLISHED' && c.state !== 'FIN-WAIT-1' && c.state !== 'FIN-WAIT-2') return true;
    c.rcvNxt = add(c.rcvNxt, n);
    if (c.out === null) {
      for (const b of seg.payload) if (c.request.length < MAX_REQUEST_BYTES + 4) c.request.push(b);
      const text = String.fromCharCode(...c.request);
      if (text.includes('\r\n\r\n') || text.includes('\n\n') || c.request.length > MAX_REQUEST_BYTES) c.out = this.respond(text);
    }
    return true;
  }

  private onFin(c: Conn): boolean {
    c.rcvNxt = add(c.rcvNxt, 1);
    switch (c.state) {
      case 'ESTABLISHED':
        c.state = 'CLOSE-WAIT';
        if (c.out === null) c.out = this.respond(String.fromCharCode(...c.request));
        break;
      case 'FIN-WAIT-1':
        c.state = 'CLOSING';
        break;
      case 'FIN-WAIT-2':
      case 'TIME-WAIT':
        this.enterTimeWait(c);
        break;
    }
    return true;
  }

  private finSeqEnd(c: Conn): number {
    return add(c.iss, 1 + (c.out?.length ?? 0) + 1);
  }

  /** Sends what the window allows, then the FIN; true if anything went out. */
  private transmit(c: Conn): boolean {
    if (c.out === null || c.state === 'SYN-RECEIVED') return false;
    let sent = false;
    const dataEnd = add(c.iss, 1 + c.out.length);
    while (seqLt(c.sndNxt, dataEnd)) {
      const inFlight = (c.sndNxt - c.sndUna) >>> 0;
      // A closed window with nothing in flight still gets a one-byte probe (RFC 9293 §3.8.6.1),
      // resent by the retransmission timer until the window opens.
      const windowRoom = inFlight === 0 ? Math.max(1, c.peerWindow) : c.peerWindow - inFlight;
      const room = Math.min(c.peerMss, (dataEnd - c.sndNxt) >>> 0, windowRoom);
      if (room <= 0) break;
      const off = (c.sndNxt - c.iss - 1) >>> 0;
      const seg = bareSegment(this.port, c.peerPort, c.sndNxt, c.rcvNxt, TCP_ACK | TCP_PSH);
      this.emit(c, { ...seg, payload: c.out.subarray(off, off + room) });
      c.sndNxt = add(c.sndNxt, room);
      sent = true;
    }
    if (c.sndNxt === dataEnd && (c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT')) {
      this.emit(c, bareSegment(this.port, c.peerPort, c.sndNxt, c.rcvNxt, TCP_FIN | TCP_ACK));
      c.sndNxt = add(c.sndNxt, 1);
      c.state = c.state === 'ESTABLISHED' ? 'FIN-WAIT-1' : 'LAST-ACK';
      sent = true;
    }
    if (sent && c.timer === null) this.arm(c);
    return sent;
  }

  private retransmit(c: Conn): void {
    c.timer = null;
    if (++c.retries > MAX_RETRIES) {
      this.emit(c, bareSegment(this.port, c.peerPort, c.sndNxt, 0, TCP_RST));
      return this.drop(c);
    }
    c.rtoNs = Math.min(MAX_RTO_NS, c.rtoNs * 2);
    if (c.state === 'SYN-RECEIVED') this.sendSynAck(c);
    else this.resend(c);
    this.arm(c);
  }

  /** Go-back-N: rewind snd.nxt to snd.una and send again, the FIN included if it was lost. */
  private resend(c: Conn): void {
    const before = c.state;
    c.sndNxt = c.sndUna;
    if (before === 'FIN-WAIT-1' || before === 'CLOSING') c.state = 'ESTABLISHED';
    else if (before === 'LAST-ACK') c.state = 'CLOSE-WAIT';
    this.transmit(c);
    // The peer's FIN was already taken; resending ours does not forget it.
    if (before === 'CLOSING' && c.state === 'FIN-WAIT-1') c.state = 'CLOSING';
  }

  private respond(request: string): Uint8Array {
    this.connectionsServed++;
    const m = /^(GET|HEAD) (\S+) HTTP\/1\.[01]\r?\n/.exec(request);
    const page = m ? this.pages[m[2]] : undefined;
    const status = !m ? (/^[A-Z]+ \S+ HTTP\/1\.[01]/.test(request) ? '501 Not Implemented' : '400 Bad Request') : page === undefined ? '404 Not Found' : '200 OK';
    const body = page ?? `<html><body><h1>${status}</h1></body></html>\n`;
    const head = `HTTP/1.0 ${status}\r\nServer: twinbox\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const text = m?.[1] === 'HEAD' ? head : head + body;
    return Uint8Array.from([...text].map((ch) => ch.charCodeAt(0) & 0xff));
  }

  private ack(c: Conn): void {
    this.emit(c, bareSegment(this.port, c.peerPort, c.sndNxt, c.rcvNxt, TCP_ACK));
  }

  private emit(c: Conn, seg: TcpRepr): void {
    this.sendSegment(c.peerMac, c.peerIp, seg);
  }

  private arm(c: Conn): void {
    c.timer = this.sched.scheduleAfter(c.rtoNs, () => this.retransmit(c), `tcp:${this.port}:rto`);
  }

  private disarm(c: Conn): void {
    if (c.timer) this.sched.cancel(c.timer);
    c.timer = null;
  }

  private enterTimeWait(c: Conn): void {
    c.state = 'TIME-WAIT';
    this.disarm(c);
    c.timer = this.sched.scheduleAfter(TIME_WAIT_NS, () => this.conns.delete(c.key), `tcp:${this.port}:time-wait`);
  }

  private drop(c: Conn): void {
    this.disarm(c);
    this.conns.delete(c.key);
  }

  stateOf(peerIp: Ipv4Addr, peerPort: number): State | undefined {
    return this.conns.get(`${peerIp}:${peerPort}`)?.state;
  }
}
