// `-netdev dgram` and `-netdev socket,udp=...` on the simulator: raw Ethernet frames, one per UDP
// datagram on the host's loopback, exactly what QEMU's own dgram/socket(udp) netdevs exchange, so
// a twinbox NIC and a real QEMU guest's NIC share one L2 link. This is host I/O: frames arrive
// when the host delivers them and enter the hub at the machine's virtual time of that moment, so
// a run with a bridge is not reproducible from its seed (the rest of the machine still is). It
// lives here, in the simulator back end, not in devices/ or emulator/machine/.

import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { EthernetHub } from '../../../devices/net/link';
import type { HubPort } from '../../../devices/net/link';
import type { Machine } from '../../machine/machine';
import type { NetdevSpec } from '../../machine/description/types';

export interface UdpEndpoints {
  localHost: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
}

function hostPort(text: string | undefined): { host: string; port: number } | undefined {
  const m = /^([^:]*):(\d{1,5})$/.exec(text ?? '');
  if (!m || Number(m[2]) > 65535) return undefined;
  return { host: m[1] === '' ? '127.0.0.1' : m[1]!, port: Number(m[2]) };
}

/**
 * The UDP endpoints of `-netdev dgram,local.type=inet,local.host=H,local.port=P,remote.type=inet,
 * remote.host=H,remote.port=P` or `-netdev socket,udp=H:P,localaddr=H:P`; a string says why not.
 */
export function udpEndpoints(spec: NetdevSpec): UdpEndpoints | string {
  const p = spec.props;
  if (spec.type === 'dgram') {
    if ((p['local.type'] ?? 'inet') !== 'inet' || (p['remote.type'] ?? 'inet') !== 'inet') return `netdev ${spec.id}: only inet dgram addresses are bridged`;
    const lp = Number(p['local.port']), rp = Number(p['remote.port']);
    if (!Number.isInteger(lp) || !Number.isInteger(rp) || lp > 65535 || rp < 1 || rp > 65535) return `netdev ${spec.id}: dgram needs local.port and remote.port`;
    return { localHost: p['local.host'] ?? '127.0.0.1', localPort: lp, remoteHost: p['remote.host'] ?? '127.0.0.1', remotePort: rp };
  }
  if (spec.type === 'socket') {
    const remote = hostPort(p.udp), local = hostPort(p.localaddr);
    if (!remote || !local) return `netdev ${spec.id}: only socket,udp=HOST:PORT,localaddr=HOST:PORT is bridged`;
    return { localHost: local.host, localPort: local.port, remoteHost: remote.host, remotePort: remote.port };
  }
  return `netdev ${spec.id}: type ${spec.type} is not a UDP netdev`;
}

export class DgramBridge {
  private readonly port: HubPort;
  private socket: Socket | undefined;
  private pending = 0;
  private readonly drained: Array<() => void> = [];
  framesOut = 0;
  framesIn = 0;
  dropped = 0;

  constructor(hub: EthernetHub, readonly ends: UdpEndpoints, portName = 'dgram') {
    this.port = hub.attach(portName, (frame) => this.toHost(frame));
  }

  /** Binds the local endpoint; resolves once frames can flow. */
  open(): Promise<void> {
    const s = createSocket('udp4');
    this.socket = s;
    s.on('message', (msg) => {
      // A datagram is one frame; the hub counts and drops malformed sizes itself.
      this.framesIn++;
      this.port.send(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    });
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.bind(this.ends.localPort, this.ends.localHost, () => {
        s.off('error', reject);
        s.on('error', () => this.dropped++);
        resolve();
      });
    });
  }

  private toHost(frame: Uint8Array): void {
    if (!this.socket) {
      this.dropped++;
      return;
    }
    this.framesOut++;
    this.pending++;
    this.socket.send(frame, this.ends.remotePort, this.ends.remoteHost, () => {
      this.pending--;
      if (this.pending === 0) for (const f of this.drained.splice(0)) f();
    });
  }

  /** Closes the socket once the datagrams already handed to it have gone out. */
  async close(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    if (this.pending > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    this.socket = undefined;
    s.close();
  }
}

/** Bridges every dgram/socket(udp) netdev of a simulated machine; errors name the netdev. */
export async function bridgeHostNetdevs(machine: Machine): Promise<DgramBridge[] | string> {
  const network = machine.devices.network;
  const out: DgramBridge[] = [];
  for (const [id, b] of network?.backends ?? []) {
    if (b.spec.type !== 'dgram' && b.spec.type !== 'socket') continue;
    const ends = udpEndpoints(b.spec);
    if (typeof ends === 'string') return ends;
    const hub = b.hub ?? new EthernetHub(`netdev-${id}`, machine.scheduler, machine.prng.fork(`hub:${id}`));
    if (!b.hub) {
      const err = network!.joinHub(id, hub, 'nic');
      if (err) return err;
    }
    const bridge = new DgramBridge(hub, ends);
    try {
      await bridge.open();
    } catch (e) {
      return `netdev ${id}: cannot bind ${ends.localHost}:${ends.localPort}: ${e instanceof Error ? e.message : String(e)}`;
    }
    out.push(bridge);
  }
  return out;
}
