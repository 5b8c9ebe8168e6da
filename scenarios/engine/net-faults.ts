// Network fault steps on the simulator: `fault: {kind: link, ...}` sets, clears or partitions
// the links of the machine's -netdev back ends (devices/net/link.ts faults, seeded), and
// `fault: {kind: pcap, file: F}` starts capturing every frame of every link into a libpcap
// file with virtual-time stamps. Parameters are checked when the scenario loads.
//
//   fault: { kind: link, netdev: n0, loss: 5%, duplicate: 0.01, reorder: 5%, delay: 20ms,
//            jitter: 5ms, corrupt: 0.001, bandwidth: 1Mbit, queue: 64, direction: both }
//   fault: { kind: link, partition: 3s }      # cut now, heal after 3 s (`partition: true` = until cleared)
//   fault: { kind: link, clear: true }        # faults off and partitions healed

import { closeSync, openSync, writeSync } from 'node:fs';
import type { EthernetHub } from '../../devices/net/link';
import type { FaultConfig } from '../../devices/net/faults';
import { emitPcapGlobalHeader, emitPcapRecord } from '../../devices/net/pcap';
import type { Machine } from '../../emulator/machine/machine';
import type { Backend, Session } from '../../emulator/backends/backend';
import { parseDurationNs } from './duration';
import { registerFaultHandler } from './faults';
import type { FaultContext } from './faults';

const LINK_KEYS = ['kind', 'netdev', 'nic', 'direction', 'loss', 'duplicate', 'reorder', 'reorder-delay', 'delay', 'jitter', 'corrupt', 'bandwidth', 'queue', 'partition', 'clear'];

export interface LinkFaultPlan {
  netdev?: string;
  nic?: string;
  direction: 'tx' | 'rx' | 'both';
  faults: Partial<FaultConfig>;
  /** undefined: no partition change; 'forever': until cleared; else heal after ns. */
  partition?: number | 'forever';
  clear: boolean;
}

/** "5%", "0.05" or 0.05 → a probability. */
function rate(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? (v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : Number(v)) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function duration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1e9 : undefined;
  return typeof v === 'string' ? parseDurationNs(v) : undefined;
}

/** "10Mbit", "512kbit", "1gbit", "8000" (bits/s). */
export function parseBandwidth(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)(bit|bps)?(\/s)?$/i.exec(v.trim());
  if (!m) return undefined;
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * scale;
}

/** The step's parameters as a plan, or what is wrong with them. */
export function parseLinkFault(p: Record<string, unknown>): LinkFaultPlan | string {
  const unknown = Object.keys(p).find((k) => !LINK_KEYS.includes(k));
  if (unknown !== undefined) return `unknown link fault parameter '${unknown}' (known: ${LINK_KEYS.slice(1).join(', ')})`;
  const dir = p.direction ?? 'both';
  if (dir !== 'tx' && dir !== 'rx' && dir !== 'both') return `direction must be tx, rx or both, not '${String(dir)}'`;
  const plan: LinkFaultPlan = { direction: dir, faults: {}, clear: p.clear === true };
  if (p.netdev !== undefined) plan.netdev = String(p.netdev);
  if (p.nic !== undefined) plan.nic = String(p.nic);
  const rates: Array<[string, keyof FaultConfig]> = [['loss', 'lossRate'], ['duplicate', 'duplicateRate'], ['reorder', 'reorderRate'], ['corrupt', 'corruptRate']];
  for (const [key, field] of rates) {
    if (p[key] === undefined) continue;
    const r = rate(p[key]);
    if (r === undefined) return `${key} must be a probability (0..1 or 0%..100%), not '${String(p[key])}'`;
    plan.faults[field] = r;
  }
  const durations: Array<[string, keyof FaultConfig]> = [['delay', 'delayNs'], ['jitter', 'jitterNs'], ['reorder-delay', 'reorderDelayNs']];
  for (const [key, field] of durations) {
    if (p[key] === undefined) continue;
    const d = duration(p[key]);
    if (d === undefined) return `${key} must be a duration like 20ms, not '${String(p[key])}'`;
    plan.faults[field] = d;
  }
  if (plan.faults.reorderRate !== undefined && plan.faults.reorderDelayNs === undefined) plan.faults.reorderDelayNs = 2_000_000;
  if (p.bandwidth !== undefined) {
    const b = parseBandwidth(p.bandwidth);
    if (b === undefined) return `bandwidth must be like 10Mbit or 512kbit, not '${String(p.bandwidth)}'`;
    plan.faults.bandwidthBitsPerSec = b;
    plan.faults.queueLimitFrames = 1000;
  }
  if (p.queue !== undefined) {
    if (typeof p.queue !== 'number' || !Number.isInteger(p.queue) || p.queue < 1) return `queue must be a whole number of frames, not '${String(p.queue)}'`;
    plan.faults.queueLimitFrames = p.queue;
  }
  if (p.partition !== undefined && p.partition !== false) {
    const d = p.partition === true ? 'forever' : duration(p.partition);
    if (d === undefined) return `partition must be true or a duration to heal after, not '${String(p.partition)}'`;
    plan.partition = d;
  }
  if (!plan.clear && plan.partition === undefined && Object.keys(plan.faults).length === 0) return 'a link fault needs at least one of loss, duplicate, reorder, delay, jitter, corrupt, bandwidth, partition or clear';
  return plan;
}

/** The simulator's machine behind a session, if it has one. */
function simMachine(session: Session): Machine | undefined {
  const m = (session as Session & { machine?: unknown }).machine;
  return m !== null && typeof m === 'object' && 'devices' in m ? (m as Machine) : undefined;
}

export interface LinkTarget {
  hub: EthernetHub;
  /** The NICs' ports on the hub (frames the guest sends). */
  nicPorts: string[];
  /** The other side's ports we know (the user network), frames the guest receives. */
  peerPorts: string[];
}

export function linkTargets(machine: Machine, netdev?: string, nic?: string): LinkTarget[] | string {
  const network = machine.devices.network;
  if (!network) return 'the machine has no network';
  const out: LinkTarget[] = [];
  for (const [id, b] of network.backends) {
    if (netdev !== undefined && id !== netdev && b.spec.id !== netdev) continue;
    if (!b.hub) continue;
    const nicPorts = network.nicsOn(id).filter((n) => nic === undefined || n.name === nic).map((n) => n.name).filter((n) => b.hub!.port(n));
    const peerPorts = b.user ? ['user'] : [];
    if (nicPorts.length > 0) out.push({ hub: b.hub, nicPorts, peerPorts });
  }
  if (out.length === 0) return netdev !== undefined ? `no connected netdev '${netdev}'${nic !== undefined ? ` with NIC '${nic}'` : ''}` : 'the machine has no connected network link';
  return out;
}

export function applyLinkPlan(targets: readonly LinkTarget[], plan: LinkFaultPlan): string | undefined {
  for (const t of targets) {
    const ports = [...(plan.direction !== 'rx' ? t.nicPorts : []), ...(plan.direction !== 'tx' ? t.peerPorts : [])];
    for (const port of ports) {
      const err = plan.clear ? t.hub.clearFaults(port) : null;
      if (err) return err;
      if (Object.keys(plan.faults).length > 0) {
        const e = t.hub.setFaults(port, plan.faults);
        if (e) return e;
      }
    }
    if (plan.clear) t.hub.heal();
    if (plan.partition !== undefined) {
      const e = t.hub.partition(t.nicPorts, t.peerPorts, plan.partition === 'forever' ? undefined : plan.partition);
      if (e) return e;
    }
  }
  return undefined;
}

async function applyLink(ctx: FaultContext, params: Record<string, unknown>): Promise<string | undefined> {
  const plan = parseLinkFault(params);
  if (typeof plan === 'string') return plan;
  const machine = simMachine(ctx.session);
  if (!machine) return `link faults need the simulator backend (this session runs on ${ctx.session.backend})`;
  const targets = linkTargets(machine, plan.netdev, plan.nic);
  return typeof targets === 'string' ? targets : applyLinkPlan(targets, plan);
}

/** Every hub of the machine's network (each once). */
export function machineHubs(machine: Machine): EthernetHub[] {
  const hubs: EthernetHub[] = [];
  for (const b of machine.devices.network?.backends.values() ?? []) if (b.hub && !hubs.includes(b.hub)) hubs.push(b.hub);
  return hubs;
}

/**
 * A pcap file written as frames are sent (so it is whole whenever the run stops). Several
 * machines may feed one file (`twinbox run --pcap` over a suite); each stamps its own virtual
 * time. Host file I/O lives here, in the front end, outside the simulation.
 */
export class PcapFile {
  private readonly fd: number;
  private open = true;
  frames = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, emitPcapGlobalHeader(true));
  }

  tap(hubs: readonly EthernetHub[]): void {
    for (const hub of hubs) {
      hub.addTap((timeNs, frame) => {
        if (!this.open) return;
        writeSync(this.fd, emitPcapRecord({ timeNs, data: frame }, true));
        this.frames++;
      });
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

/** Captures every link of the session's machine into `file` (simulator only). */
export function captureSession(session: Session, file: PcapFile): string | undefined {
  const machine = simMachine(session);
  if (!machine) return `pcap capture needs the simulator backend (this session runs on ${session.backend})`;
  file.tap(machineHubs(machine));
  return undefined;
}

/** A backend whose every booted machine is captured into one pcap file (`--pcap FILE`). */
export function capturingBackend(inner: Backend, file: PcapFile): Backend {
  return {
    name: inner.name,
    async boot(description, options) {
      const session = await inner.boot(description, options);
      const problem = captureSession(session, file);
      if (problem) throw new Error(problem);
      return session;
    },
  };
}

async function applyPcap(ctx: FaultContext, params: Record<string, unknown>): Promise<string | undefined> {
  const file = params.file;
  if (typeof file !== 'string' || file === '') return 'pcap needs file: PATH';
  const machine = simMachine(ctx.session);
  if (!machine) return `pcap capture needs the simulator backend (this session runs on ${ctx.session.backend})`;
  if (machineHubs(machine).length === 0) return 'the machine has no network link to capture';
  try {
    return captureSession(ctx.session, new PcapFile(file.replace(/\$\{(\w+)\}/g, (_, k: string) => ctx.vars[k] ?? '')));
  } catch (e) {
    return `pcap: ${(e as Error).message}`;
  }
}

registerFaultHandler('link', {
  validate: (p) => {
    const r = parseLinkFault(p);
    return typeof r === 'string' ? r : undefined;
  },
  apply: applyLink,
});

registerFaultHandler('pcap', {
  validate: (p) => (typeof p.file === 'string' && p.file !== '' ? (Object.keys(p).some((k) => k !== 'kind' && k !== 'file') ? 'pcap takes only file' : undefined) : 'pcap needs file: PATH'),
  apply: applyPcap,
});
