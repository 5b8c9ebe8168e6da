// One TCP connection: the RFC 9293 state machine from SYN-SENT / SYN-RECEIVED to CLOSED with its
// send and receive queues, retransmission on an RFC 6298 timer with exponential backoff and a
// retry budget (ETIMEDOUT), NewReno fast retransmit/recovery, delayed ACKs, window scaling,
// zero-window probes, keepalive and TIME-WAIT. Segments arrive already parsed and demultiplexed;
// every segment leaves through TcpEnv.output.

import type { EventHandle } from '../../../../emulator/time/scheduler';
import { WaitQueue } from '../../../kernel/wait';
import { EPIPE, ETIMEDOUT } from '../../../kernel/errno';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpOptions, type TcpRepr } from '../../wire/tcp';
import { ECONNREFUSED, ECONNRESET } from '../consts';
import type { CommonOptions } from '../sockopt';
import { ByteQueue } from './byte-queue';
import { NewReno } from './newreno';
import { ReorderBuffer } from './reorder';
import { SackScoreboard } from './sack';
import { RttEstimator } from './rtt';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
import type { Endpoint, TcpEnv, TcpSockOptions, TcpState } from './types';

export interface ConnHooks {
  /** A passive open completed: the listener queues the connection for accept. */
  onEstablished(c: TcpConnection): void;
  /** The connection reached CLOSED: the layer forgets it. */
  onClosed(c: TcpConnection): void;
}

const DEFAULT_PEER_MSS = 536;
const SEND_STATES: readonly TcpState[] = ['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'CLOSING', 'LAST-ACK'];
const RECEIVE_STATES: readonly TcpState[] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2'];

export class TcpConnection {
  state: TcpState = 'CLOSED';
  readonly wq = new WaitQueue();
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private sndShift = 0;
  private rcvShift = 0;
  readonly sendQ = new ByteQueue();
  /** Sequence number of sendQ's first byte. */
  private sndQSeq = 0;
  finQueued = false;
  mss = DEFAULT_PEER_MSS;
  irs = 0;
  rcvNxt = 0;
  private rcvAdvRight = 0;
  readonly recvQ = new ByteQueue();
  private readonly ooo = new ReorderBuffer();
  finReceived = false;
  readonly rtt = new RttEstimator();
  readonly cc: NewReno;
  private rtxTimer: EventHandle | null = null;
  private delackTimer: EventHandle | null = null;
  private keepTimer: EventHandle | null = null;
  private waitTimer: EventHandle | null = null;
  retries = 0;
  private rttSeq: number | null = null;
  private rttStartNs = 0;
  private pendingAcks = 0;
  private lastRecvNs = 0;
  private keepProbes = 0;
  /** close() was called: nobody will read; data arriving now resets the connection. */
  orphan = false;
  readShut = false;
  /** Set when the connection was passively opened (a listener's child). */
  passive = false;
  retransmits = 0;
  /** SACK-permitted was exchanged (RFC 2018). */
  sackOk = false;
  /** What the peer SACKed above sndUna: sorted, merged [left, right) ranges. */
  private readonly sacked = new SackScoreboard();
  /** Highest sequence retransmitted in the current recovery (RFC 6675 HighRxt). */
  private highRxt = 0;
  private lastOooSeq = 0;
  /** sndMax when the last hole was retransmitted: a SACK above it means that retransmission was lost too. */
  private rxtSndMax = 0;

  constructor(
    private readonly env: TcpEnv,
    private readonly hooks: ConnHooks,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    readonly opts: CommonOptions,
    readonly tcpOpts: TcpSockOptions,
  ) {
    this.cc = new NewReno(this.advertisedMss());
  }

  private get now(): number {
    return this.env.scheduler.now;
  }

  advertisedMss(): number {
    const route = this.env.core.pathMtu(this.remote.addr, this.opts.bindToDevice || undefined) - 40;
    return this.tcpOpts.userMss > 0 ? Math.min(route, this.tcpOpts.userMss) : route;
  }

  private synOptions(windowScale: boolean, sack: boolean): TcpOptions {
    const o: TcpOptions = windowScale ? { mss: this.advertisedMss(), windowScale: this.env.tunables.windowShift } : { mss: this.advertisedMss() };
    if (sack) o.sackPermitted = true;
    return o;
  }

  private applyPeerOptions(o: TcpOptions, weOffered: boolean): void {
    this.sackOk = this.env.tunables.sack && o.sackPermitted === true;
    this.cc.sackPipe = this.sackOk;
    this.mss = Math.max(64, Math.min(o.mss ?? DEFAULT_PEER_MSS, this.advertisedMss()));
    this.cc.setMss(this.mss);
    if (o.windowScale !== undefined && weOffered) {
      this.sndShift = Math.min(14, o.windowScale);
      this.rcvShift = this.env.tunables.windowShift;
    }
  }

  // ---- opening ----

  openActive(iss: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = seqAdd(iss, 1);
    this.sndMax = this.sndNxt;
    this.sndQSeq = this.sndNxt;
    this.state = 'SYN-SENT';
    this.rttStartNs = this.now;
    this.sendSegment(TCP_SYN, iss, new Uint8Array(0), this.synOptions(true, this.env.tunables.sack));
    this.armRtx();
  }

  openPassive(syn: TcpRepr, iss: number): void {
    this.passive = true;
    this.irs = syn.seq;
    this.rcvNxt = seqAdd(syn.seq, 1);
    this.rcvAdvRight = this.rcvNxt;
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = seqAdd(iss, 1);
    this.sndMax = this.sndNxt;
    this.sndQSeq = this.sndNxt;
    this.applyPeerOptions(syn.options, syn.options.windowScale !== undefined);
    this.sndWnd = syn.window;
    this.state = 'SYN-RECEIVED';
    this.lastRecvNs = this.now;
    this.sendSynAck();
    this.armRtx();
  }

  private sendSynAck(): void {
    this.sendSegment(TCP_SYN | TCP_ACK, this.iss, new Uint8Array(0), this.synOptions(this.sndShift > 0 || this.rcvShift > 0, this.sackOk));
  }

  // ---- input ----

  segmentArrives(seg: TcpRepr): void {
    this.lastRecvNs = this.now;
    this.keepProbes = 0;
    if (this.state === 'SYN-SENT') this.inputSynSent(seg);
    else if (this.state !== 'CLOSED' && this.state !== 'LISTEN') this.inputSynchronized(seg);
  }

  private inputSynSent(seg: TcpRepr): void {
    const hasAck = (seg.flags & TCP_ACK) !== 0;
    if (hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if (!(seg.flags & TCP_RST)) this.sendRst(seg.ack);
      return;
    }
    if (seg.flags & TCP_RST) {
      if (hasAck) this.abort(ECONNREFUSED, false);
      return;
    }
    if (!(seg.flags & TCP_SYN)) return;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    // The window our SYN offered was relative to a receive sequence we did not know yet.
    this.rcvAdvRight = this.rcvNxt;
    this.applyPeerOptions(seg.options, true);
    if (!hasAck) {
      // Simultaneous open.
      this.state = 'SYN-RECEIVED';
      this.sndWnd = seg.window;
      this.sendSynAck();
      return;
    }
    this.sndUna = seg.ack;
    this.sndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    if (this.retries === 0) this.rtt.sample(this.now - this.rttStartNs);
    this.retries = 0;
    this.cancelRtx();
    this.established();
    this.sendAck();
    this.pump();
  }

  private established(): void {
    this.state = 'ESTABLISHED';
    this.armKeepalive();
    this.wq.wakeAll();
  }

  private inputSynchronized(seg: TcpRepr): void {
    const segLen = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
    if (!this.acceptable(seg.seq, segLen)) {
      if (!(seg.flags & TCP_RST)) this.sendAck();
      // A retransmitted FIN means our last ACK was lost: TIME-WAIT starts over (RFC 9293 §3.10.7.4).
      if (this.state === 'TIME-WAIT' && seg.flags & TCP_FIN) this.armWait(this.env.tunables.timeWaitNs);
      return;
    }
    if (seg.flags & TCP_RST) return this.inputRst(seg);
    if (seg.flags & TCP_SYN) {
      // RFC 5961 §4: a SYN in a synchronized state gets a challenge ACK.
      this.sendAck();
      return;
    }
    if (!(seg.flags & TCP_ACK)) return;
    if (!this.inputAck(seg)) return;
    this.inputData(seg);
    if (this.state === 'CLOSED') return;
    if (seg.flags & TCP_FIN && !this.finReceived && seqAdd(seg.seq, seg.payload.length) === this.rcvNxt) this.finArrived();
    this.pump();
  }

  private acceptable(seq: number, len: number): boolean {
    const wnd = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    const inWindow = (s: number): boolean => seqLe(this.rcvNxt, s) && seqLt(s, seqAdd(this.rcvNxt, wnd));
    if (len === 0) return wnd === 0 ? seq === this.rcvNxt : inWindow(seq);
    if (wnd === 0) return false;
    return inWindow(seq) || inWindow(seqAdd(seq, len - 1));
  }

  private inputRst(seg: TcpRepr): void {
    if (seg.seq !== this.rcvNxt) {
      this.sendAck();
      return;
    }
    switch (this.state) {
      case 'SYN-RECEIVED':
        if (this.passive) return this.finish();
        return this.abort(ECONNREFUSED, false);
      case 'CLOSE-WAIT':
        return this.abort(EPIPE, false);
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        return this.finish();
      default:
        return this.abort(ECONNRESET, false);
    }
  }

  /** RFC 9293 §3.10.7.4 fifth check; false when the segment is finished with. */
  private inputAck(seg: TcpRepr): boolean {
    if (this.state === 'SYN-RECEIVED') {
      if (!(seqGt(seg.ack, this.sndUna) && seqLe(seg.ack, this.sndMax))) {
        this.sendRst(seg.ack);
        return false;
      }
      this.sndWnd = seg.window << this.sndShift;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.sndUna = seg.ack;
      this.retries = 0;
      this.cancelRtx();
      this.established();
      if (this.passive) this.hooks.onEstablished(this);
      return true;
    }
    if (seqGt(seg.ack, this.sndMax)) {
      this.sendAck();
      return false;
    }
    const window = seg.window << this.sndShift;
    const isDup = seg.ack === this.sndUna && seg.payload.length === 0 && !(seg.flags & TCP_FIN) && window === this.sndWnd && seqGt(this.sndMax, this.sndUna);
    if (this.sackOk && seg.options.sackBlocks) this.noteSacks(seg.options.sackBlocks);
    if (seqGt(seg.ack, this.sndUna)) this.ackAdvanced(seg.ack);
    else if (isDup && this.cc.onDupAck(this.sndMax, seqDiff(this.sndMax, this.sndUna))) this.fastRetransmit();
    else if (isDup && this.cc.inRecovery && this.sackOk) this.retransmitHole();
    else if (!this.cc.inRecovery && this.sackShowsLoss()) {
      // Lost ACKs can hide the duplicates; SACK still shows 3 segments beyond a hole (RFC 6675 §5).
      this.cc.enterRecovery(this.sndMax, seqDiff(this.sndMax, this.sndUna));
      this.fastRetransmit();
    }
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, seg.ack))) {
      this.sndWnd = window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
    }
    return this.afterAck();
  }

  private ackAdvanced(ack: number): void {
    const acked = seqDiff(ack, this.sndUna);
    const flightBefore = seqDiff(this.sndMax, this.sndUna);
    const dataAcked = Math.max(0, Math.min(this.sendQ.length, seqDiff(ack, this.sndQSeq)));
    this.sendQ.consume(dataAcked);
    this.sndQSeq = seqAdd(this.sndQSeq, dataAcked);
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    if (this.rttSeq !== null && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(this.now - this.rttStartNs);
      this.rttSeq = null;
    }
    this.rtt.resetBackoff();
    this.retries = 0;
    this.sacked.prune(this.sndUna);
    if (this.cc.onAck(ack, acked, flightBefore)) {
      if (this.sackOk) this.retransmitHole();
      else this.retransmitHead();
    }
    this.cancelRtx();
    if (this.sndUna !== this.sndMax) this.armRtx();
    this.wq.wakeAll();
  }

  get finAcked(): boolean {
    return this.finQueued && this.sendQ.length === 0 && this.sndUna === seqAdd(this.sndQSeq, 1);
  }

  private afterAck(): boolean {
    if (this.state === 'FIN-WAIT-1' && this.finAcked) {
      this.state = 'FIN-WAIT-2';
      if (this.orphan) this.armWait(this.env.tunables.finTimeoutNs);
      this.wq.wakeAll();
    } else if (this.state === 'CLOSING' && this.finAcked) {
      this.enterTimeWait();
      return false;
    } else if (this.state === 'LAST-ACK' && this.finAcked) {
      this.finish();
      return false;
    }
    return true;
  }

  private inputData(seg: TcpRepr): void {
    if (seg.payload.length === 0 || !RECEIVE_STATES.includes(this.state)) return;
    if (this.orphan) {
      // Data for a closed socket: nobody can read it (Linux resets, tcp_rcv_state_process).
      return this.abort(0, true);
    }
    let seq = seg.seq;
    let data = seg.payload;
    const skip = seqDiff(this.rcvNxt, seq);
    if (skip > 0) {
      data = data.subarray(skip);
      seq = this.rcvNxt;
    }
    const room = Math.max(0, seqDiff(this.rcvAdvRight, seq));
    const trimmed = data.length > room;
    if (trimmed) data = data.subarray(0, room);
    if (data.length === 0) return this.sendAck();
    if (seq !== this.rcvNxt) {
      this.ooo.add(seq, data, (seg.flags & TCP_FIN) !== 0 && !trimmed);
      this.lastOooSeq = seq;
      return this.sendAck();
    }
    const filledHole = !this.ooo.isEmpty;
    this.recvQ.append(data);
    this.rcvNxt = seqAdd(this.rcvNxt, data.length);
    const more = this.ooo.takeFrom(this.rcvNxt);
    for (const d of more.data) this.recvQ.append(d);
    this.rcvNxt = more.next;
    this.wq.wakeAll();
    if (more.fin) return this.finArrived();
    this.pendingAcks++;
    if (filledHole || this.pendingAcks >= 2 || seg.flags & TCP_PSH && this.pendingAcks >= 2) this.sendAck();
    else this.scheduleDelack();
  }

  private finArrived(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.finReceived = true;
    this.sendAck();
    this.wq.wakeAll();
    if (this.state === 'ESTABLISHED') this.state = 'CLOSE-WAIT';
    else if (this.state === 'FIN-WAIT-1') {
      if (this.finAcked) this.enterTimeWait();
      else this.state = 'CLOSING';
    } else if (this.state === 'FIN-WAIT-2') this.enterTimeWait();
  }

  // ---- output ----

  /** Sends what the windows, Nagle and the FIN allow. */
  pump(): void {
    if (!SEND_STATES.includes(this.state)) return;
    for (;;) {
      if (this.skipSacked()) continue;
      const offset = seqDiff(this.sndNxt, this.sndQSeq);
      const avail = this.sendQ.length - offset;
      if (avail <= 0) break;
      const flight = seqDiff(this.sndNxt, this.sndUna) - this.sacked.bytesBelow(this.sndNxt);
      const room = Math.min(this.cc.cwndBytes + this.cc.limitedTransmitBytes, this.sndWnd) - flight;
      const len = Math.min(this.mss, avail, room, this.sacked.untilNext(this.sndNxt));
      if (len <= 0) {
        if (this.sndWnd === 0 && flight === 0 && this.rtxTimer === null) this.armRtx();
        break;
      }
      // Nagle (RFC 9293 §3.7.4) and sender-side silly window avoidance.
      if (len < this.mss && flight > 0 && (len < avail || !this.tcpOpts.noDelay) && !(this.finQueued && len === avail)) break;
      this.sendData(this.sndNxt, offset, len, len === avail);
    }
    if (this.finQueued && seqDiff(this.sndNxt, this.sndQSeq) === this.sendQ.length && this.state !== 'ESTABLISHED' && this.state !== 'CLOSE-WAIT') {
      if (seqLt(this.sndNxt, this.sndMax)) this.countRetransmit();
      this.sendSegment(TCP_FIN | TCP_ACK, this.sndNxt, new Uint8Array(0));
      this.sndNxt = seqAdd(this.sndNxt, 1);
      if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
      if (this.rtxTimer === null) this.armRtx();
    }
  }

  private sendData(seq: number, offset: number, len: number, push: boolean): void {
    const fresh = seq === this.sndMax;
    if (!fresh) this.countRetransmit();
    this.sendSegment(TCP_ACK | (push ? TCP_PSH : 0), seq, this.sendQ.peek(offset, len));
    const end = seqAdd(seq, len);
    if (seqGt(end, this.sndNxt)) this.sndNxt = end;
    if (seqGt(end, this.sndMax)) this.sndMax = end;
    if (fresh && this.rttSeq === null) {
      this.rttSeq = end;
      this.rttStartNs = this.now;
    }
    if (this.rtxTimer === null) this.armRtx();
  }

  private countRetransmit(): void {
    this.retransmits++;
    this.env.core.counters.tcpRetransSegs++;
    // Karn: no RTT sample from a segment that may have been sent twice.
    this.rttSeq = null;
  }

  /** Fast retransmit / partial ACK: the first unacknowledged segment again. */
  private retransmitHead(): void {
    const offset = seqDiff(this.sndUna, this.sndQSeq);
    const len = Math.min(this.mss, this.sendQ.length - offset);
    if (len > 0) {
      this.countRetransmit();
      this.sendSegment(TCP_ACK, this.sndUna, this.sendQ.peek(offset, len));
    } else if (this.finQueued && this.sndUna !== this.sndMax) {
      this.countRetransmit();
      this.sendSegment(TCP_FIN | TCP_ACK, this.sndUna, new Uint8Array(0));
    }
    this.cancelRtx();
    this.armRtx();
  }

  private fastRetransmit(): void {
    this.env.core.counters.tcpFastRetrans++;
    this.highRxt = this.sndUna;
    if (this.sackOk) this.retransmitHole();
    else this.retransmitHead();
  }

  // ---- SACK (RFC 6675, simplified: a hole below the highest SACK is lost) ----

  private noteSacks(blocks: ReadonlyArray<{ left: number; right: number }>): void {
    this.sacked.note(blocks, this.sndUna, this.sndMax);
    // Data sent after our last retransmission arrived, yet the hole below is still open: that
    // retransmission was lost as well (the idea of RACK, RFC 8985): scan the holes again.
    if (this.cc.inRecovery && seqGt(this.highRxt, this.sndUna) && seqGt(this.sacked.top(this.sndUna), this.rxtSndMax)) {
      this.highRxt = this.sndUna;
      this.rxtSndMax = this.sndMax;
    }
  }

  private sackShowsLoss(): boolean {
    return this.sackOk && this.sacked.totalBytes() >= 3 * this.mss;
  }

  /** While resending after a timeout, jumps sndNxt over what the peer already holds. */
  private skipSacked(): boolean {
    if (!seqLt(this.sndNxt, this.sndMax)) return false;
    const end = this.sacked.rangeEndAt(this.sndNxt);
    if (end === null) return false;
    this.sndNxt = end;
    return true;
  }

  /** Retransmits the first hole at or above HighRxt that lies below the highest SACKed byte. */
  private retransmitHole(): void {
    const top = this.sacked.top(this.sndUna);
    const s = this.sacked.firstHoleFrom(seqGt(this.highRxt, this.sndUna) ? this.highRxt : this.sndUna);
    if (!seqLt(s, top)) {
      if (s === this.sndUna) this.retransmitHead();
      return;
    }
    const offset = seqDiff(s, this.sndQSeq);
    const len = Math.min(this.mss, this.sacked.untilNext(s), this.sendQ.length - offset);
    if (len <= 0) return;
    this.countRetransmit();
    this.sendSegment(TCP_ACK, s, this.sendQ.peek(offset, len));
    this.highRxt = seqAdd(s, len);
    this.rxtSndMax = this.sndMax;
    this.cancelRtx();
    this.armRtx();
  }

  sendAck(): void {
    this.sendSegment(TCP_ACK, this.sndNxt, new Uint8Array(0));
  }

  private sendRst(seq: number): void {
    this.env.output(this.local, this.remote, { srcPort: this.local.port, dstPort: this.remote.port, seq, ack: 0, flags: TCP_RST, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) }, this.opts.ttl, this.opts.tos, this.opts.bindToDevice);
  }

  private sendSegment(flags: number, seq: number, payload: Uint8Array, opts: TcpOptions = {}): void {
    let options = opts;
    const window = this.windowField((flags & TCP_SYN) !== 0);
    if (this.sackOk && flags & TCP_ACK && !(flags & TCP_SYN) && !this.ooo.isEmpty) {
      // Four blocks fit beside no timestamps (RFC 2018 §3).
      const blocks = this.ooo.sackBlocks(this.lastOooSeq, 4);
      if (blocks.length > 0) options = { ...options, sackBlocks: blocks };
    }
    const seg: TcpRepr = { srcPort: this.local.port, dstPort: this.remote.port, seq, ack: flags & TCP_ACK ? this.rcvNxt : 0, flags, window, urgent: 0, options, payload };
    if (flags & TCP_ACK) {
      this.pendingAcks = 0;
      if (this.delackTimer !== null) this.env.scheduler.cancel(this.delackTimer);
      this.delackTimer = null;
    }
    this.env.output(this.local, this.remote, seg, this.opts.ttl, this.opts.tos, this.opts.bindToDevice);
  }

  freeWindowBytes(): number {
    return Math.max(0, this.opts.rcvBufBytes - this.recvQ.length - this.ooo.heldBytes);
  }

  private windowField(syn: boolean): number {
    const free = this.freeWindowBytes();
    const shift = syn ? 0 : this.rcvShift;
    // Never shrink the window already offered (RFC 9293 §3.8.6.2.2).
    const offered = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    const field = Math.min(0xffff, Math.max(free, offered) >>> shift);
    const right = seqAdd(this.rcvNxt, field << shift);
    if (seqGt(right, this.rcvAdvRight)) this.rcvAdvRight = right;
    return field;
  }

  // ---- timers ----

  private armRtx(): void {
    if (this.rtxTimer !== null) this.env.scheduler.cancel(this.rtxTimer);
    this.rtxTimer = this.env.scheduler.scheduleAfter(this.rtt.rtoNs, () => this.onRtxTimeout(), 'tcp:rto');
  }

  private cancelRtx(): void {
    if (this.rtxTimer !== null) this.env.scheduler.cancel(this.rtxTimer);
    this.rtxTimer = null;
  }

  private onRtxTimeout(): void {
    this.rtxTimer = null;
    const t = this.env.tunables;
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') {
      if (++this.retries > (this.state === 'SYN-SENT' ? t.synRetries : t.synAckRetries)) return this.abort(ETIMEDOUT, false);
      this.rtt.backOff();
      this.countRetransmit();
      if (this.state === 'SYN-SENT') this.sendSegment(TCP_SYN, this.iss, new Uint8Array(0), this.synOptions(true, this.env.tunables.sack));
      else this.sendSynAck();
      return this.armRtx();
    }
    if (this.sndUna === this.sndMax) {
      if (this.sndWnd === 0 && this.sendQ.length > 0 && SEND_STATES.includes(this.state)) {
        // Zero-window probe: an old sequence number makes the peer answer with its window.
        this.sendSegment(TCP_ACK, seqAdd(this.sndUna, -1), new Uint8Array(0));
        this.rtt.backOff();
        this.armRtx();
      }
      return;
    }
    if (++this.retries > t.dataRetries) return this.abort(ETIMEDOUT, false);
    this.env.core.counters.tcpTimeouts++;
    this.highRxt = this.sndUna;
    this.cc.onTimeout(seqDiff(this.sndMax, this.sndUna));
    this.rtt.backOff();
    this.sndNxt = this.sndUna;
    this.pump();
    if (this.rtxTimer === null) this.armRtx();
  }

  private scheduleDelack(): void {
    if (this.delackTimer !== null) return;
    this.delackTimer = this.env.scheduler.scheduleAfter(this.env.tunables.delayedAckNs, () => {
      this.delackTimer = null;
      if (this.state !== 'CLOSED') this.sendAck();
    }, 'tcp:delack');
  }

  /** (Re)starts keepalive timing after SO_KEEPALIVE or an option change. */
  armKeepalive(): void {
    if (this.keepTimer !== null) this.env.scheduler.cancel(this.keepTimer);
    this.keepTimer = null;
    if (!this.opts.keepAlive || (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE-WAIT')) return;
    const idleNs = this.tcpOpts.keepIdleS * 1e9;
    const due = this.keepProbes > 0 ? this.tcpOpts.keepIntvlS * 1e9 : Math.max(0, this.lastRecvNs + idleNs - this.now);
    this.keepTimer = this.env.scheduler.scheduleAfter(due, () => this.onKeepalive(), 'tcp:keepalive');
  }

  private onKeepalive(): void {
    this.keepTimer = null;
    if (!this.opts.keepAlive || (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE-WAIT')) return;
    if (this.now - this.lastRecvNs < this.tcpOpts.keepIdleS * 1e9) return this.armKeepalive();
    if (this.sndUna === this.sndMax) {
      if (this.keepProbes >= this.tcpOpts.keepCnt) return this.abort(ETIMEDOUT, true);
      this.keepProbes++;
      this.sendSegment(TCP_ACK, seqAdd(this.sndUna, -1), new Uint8Array(0));
    }
    this.keepTimer = this.env.scheduler.scheduleAfter(this.tcpOpts.keepIntvlS * 1e9, () => this.onKeepalive(), 'tcp:keepalive');
  }

  private armWait(ns: number): void {
    if (this.waitTimer !== null) this.env.scheduler.cancel(this.waitTimer);
    this.waitTimer = this.env.scheduler.scheduleAfter(ns, () => {
      this.waitTimer = null;
      this.finish();
    }, 'tcp:wait');
  }

  private enterTimeWait(): void {
    this.state = 'TIME-WAIT';
    this.cancelRtx();
    this.armWait(this.env.tunables.timeWaitNs);
    this.wq.wakeAll();
  }

  // ---- user calls ----

  /** Appends up to the send buffer's free space; returns the bytes taken. */
  userSend(data: Uint8Array): number {
    const room = Math.max(0, this.opts.sndBufBytes - this.sendQ.length);
    const n = Math.min(room, data.length);
    if (n > 0) {
      this.sendQ.append(n === data.length ? data : data.subarray(0, n));
      this.pump();
    }
    return n;
  }

  get sendSpace(): number {
    return Math.max(0, this.opts.sndBufBytes - this.sendQ.length);
  }

  userRecv(maxBytes: number, peek: boolean): Uint8Array {
    const before = this.freeWindowBytes();
    const data = this.recvQ.peek(0, maxBytes);
    if (!peek) {
      this.recvQ.consume(data.length);
      this.maybeWindowUpdate(before);
    }
    return data;
  }

  /** After a read frees buffer space: tell the peer once the window grew enough (RFC 9293 §3.8.6.2.2). */
  private maybeWindowUpdate(freeBefore: number): void {
    if (!RECEIVE_STATES.includes(this.state) && this.state !== 'CLOSE-WAIT') return;
    const offered = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    const threshold = Math.min(this.opts.rcvBufBytes / 2, 2 * this.mss);
    if (this.freeWindowBytes() - offered >= threshold && freeBefore - offered < threshold) this.sendAck();
    else if (this.freeWindowBytes() - offered >= threshold && offered < this.mss) this.sendAck();
  }

  userClose(): void {
    this.orphan = true;
    switch (this.state) {
      case 'SYN-SENT':
      case 'CLOSED':
        return this.finish();
      case 'SYN-RECEIVED':
        return this.abort(0, true);
      case 'ESTABLISHED':
      case 'CLOSE-WAIT':
        // Unread data on close aborts the connection (RFC 2525 §2.17, as Linux does).
        if (this.recvQ.length > 0) return this.abort(0, true);
        return this.queueFin();
      case 'FIN-WAIT-2':
        return this.armWait(this.env.tunables.finTimeoutNs);
      default:
        return;
    }
  }

  /** shutdown(SHUT_WR): FIN after the queued data. */
  queueFin(): void {
    if (this.finQueued) return;
    if (this.state === 'ESTABLISHED') this.state = 'FIN-WAIT-1';
    else if (this.state === 'CLOSE-WAIT') this.state = 'LAST-ACK';
    else return;
    this.finQueued = true;
    this.pump();
  }

  /** Ends the connection now: `errno` (0 for none) becomes SO_ERROR, RST sent if asked. */
  abort(errno: number, sendRst: boolean): void {
    if (sendRst && this.state !== 'SYN-SENT') {
      this.env.core.counters.tcpOutRsts++;
      this.env.output(this.local, this.remote, { srcPort: this.local.port, dstPort: this.remote.port, seq: this.sndNxt, ack: this.rcvNxt, flags: TCP_RST | TCP_ACK, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) }, this.opts.ttl, this.opts.tos, this.opts.bindToDevice);
    }
    if (errno !== 0) this.opts.error = errno;
    this.finish();
  }

  finish(): void {
    this.state = 'CLOSED';
    for (const t of [this.rtxTimer, this.delackTimer, this.keepTimer, this.waitTimer]) if (t !== null) this.env.scheduler.cancel(t);
    this.rtxTimer = this.delackTimer = this.keepTimer = this.waitTimer = null;
    this.ooo.clear();
    this.hooks.onClosed(this);
    this.wq.wakeAll();
  }

  /** An ICMP "fragmentation needed": lower the MSS to fit the next-hop MTU. */
  pmtuUpdate(mtuBytes: number): void {
    if (mtuBytes >= 68 && mtuBytes - 40 < this.mss) {
      this.mss = mtuBytes - 40;
      this.cc.setMss(this.mss);
    }
  }
}
