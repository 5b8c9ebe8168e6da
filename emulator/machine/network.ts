// Network back ends and NICs built from the description, as QEMU builds them: `-netdev user`
// is a simulated slirp network (devices/net/user) on a hub of its own; `-netdev
// hubport,id=ID,hubid=N` puts its NICs on the machine's hub N (hubports with one hubid reach
// each other), which joinHub can bridge to an EthernetHub several machines share; other netdevs
// (dgram/socket until a bridge attaches them) leave their NICs unplugged until joinHub plugs
// them in. `-device virtio-net-pci|virtio-net-device,netdev=ID[,mac=...]` builds the virtio-net
// model on that network. The default NIC QEMU adds (description/defaults.ts: an implicit
// virtio-net-pci on virt, with no netdev) gets a user network of its own, as QEMU's implicit
// `-net nic -net user` does. MACs without `mac=` follow QEMU: 52:54:00:12:34:56, then :57,
// :58... in creation order.

import type { EventScheduler } from '../time/scheduler';
import type { Prng } from '../random/prng';
import { EthernetHub } from '../../devices/net/link';
import { UserNetwork, type SimHostConfig, type UserNetOptions } from '../../devices/net/user/network';
import { VirtioNet } from '../../devices/net/virtio-net/device';
import type { DeviceSpec, MachineDescription, NetdevSpec } from './description/types';

export type NicDriver = 'virtio-net-pci' | 'virtio-net-device';

export interface BuiltNic {
  /** qdev id, else `net0`, `net1`... in creation order. */
  name: string;
  driver: NicDriver;
  /** The netdev id, or '' for the default NIC's own user network. */
  netdev: string;
  device: VirtioNet;
}

export interface NetBackend {
  spec: NetdevSpec;
  /** The hub NICs on this netdev attach to (user: its own; hubport: the machine's hub N; others: set by joinHub). */
  hub: EthernetHub | undefined;
  user: UserNetwork | undefined;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Simulated-network options from the description's `extra.dns` / `extra.hosts` (other shapes are ignored). */
export function userNetOptions(extra: Record<string, unknown>): UserNetOptions {
  const out: { dns?: Record<string, string | string[]>; hosts?: SimHostConfig[] } = {};
  const dns = extra['dns'];
  if (dns && typeof dns === 'object' && !Array.isArray(dns)) {
    const table: Record<string, string | string[]> = {};
    for (const [name, v] of Object.entries(dns as Record<string, unknown>)) {
      if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) table[name] = v as string | string[];
    }
    out.dns = table;
  }
  const hosts = extra['hosts'];
  if (Array.isArray(hosts)) out.hosts = hosts.filter((h): h is SimHostConfig => !!h && typeof h === 'object' && typeof (h as SimHostConfig).ip === 'string');
  return out;
}

export class MachineNetwork {
  readonly nics: BuiltNic[] = [];
  readonly backends = new Map<string, NetBackend>();
  private macCounter = 0;
  /** QEMU's hubs by hubid (`-netdev hubport,hubid=N`), and those already bridged out by joinHub. */
  private readonly hubs = new Map<string, EthernetHub>();
  private readonly bridged = new Set<EthernetHub>();

  constructor(
    private readonly desc: MachineDescription,
    private readonly scheduler: EventScheduler,
    private readonly prng: Prng,
  ) {
    for (const spec of desc.netdevs) this.backends.set(spec.id, this.backendFor(spec));
  }

  private backendFor(spec: NetdevSpec): NetBackend {
    if (spec.type === 'hubport') {
      const hubid = spec.props.hubid ?? '0';
      let hub = this.hubs.get(hubid);
      if (!hub) {
        hub = new EthernetHub(`hub${hubid}`, this.scheduler, this.prng.fork(`hubport:${hubid}`));
        this.hubs.set(hubid, hub);
      }
      return { spec, hub, user: undefined };
    }
    if (spec.type !== 'user') return { spec, hub: undefined, user: undefined };
    const hub = new EthernetHub(`netdev-${spec.id}`, this.scheduler, this.prng.fork(`hub:${spec.id}`));
    const user = new UserNetwork(this.scheduler, this.prng.fork(`user:${spec.id}`), userNetOptions(this.desc.extra));
    user.attach(hub, 'user');
    return { spec, hub, user };
  }

  /** The NIC for `-device virtio-net-*`: the device, or an error message as QEMU words it. */
  buildNic(spec: DeviceSpec, driver: NicDriver): VirtioNet | string {
    const mac = spec.props.mac?.toLowerCase() ?? this.defaultMac();
    if (!MAC_RE.test(mac)) return `Property '${driver}.mac' doesn't take value '${spec.props.mac}'`;
    const mtuProp = spec.props.host_mtu;
    const mtu = mtuProp === undefined ? undefined : Number(mtuProp);
    if (mtu !== undefined && !(Number.isInteger(mtu) && mtu >= 68 && mtu <= 65535)) return `Property '${driver}.host_mtu' doesn't take value '${mtuProp}'`;
    let netdev = spec.props.netdev;
    let backend: NetBackend | undefined;
    if (netdev === undefined) {
      // Only QEMU's own default NIC comes without a netdev; it gets the default user network.
      netdev = '';
      if (spec.implicit && !this.backends.has('')) this.backends.set('', this.backendFor({ type: 'user', id: 'default', props: {} }));
      backend = spec.implicit ? this.backends.get('') : undefined;
    } else {
      backend = this.backends.get(netdev);
      if (!backend) return `Property '${driver}.netdev' can't find value '${netdev}'`;
    }
    const device = new VirtioNet({ mac, mtu });
    const name = spec.id ?? `net${this.nics.length}`;
    if (backend?.hub) device.attach(backend.hub, name);
    this.nics.push({ name, driver, netdev, device });
    return device;
  }

  private defaultMac(): string {
    const last = (0x56 + this.macCounter++) & 0xff;
    return `52:54:00:12:34:${last.toString(16).padStart(2, '0')}`;
  }

  /** The machine's snapshot part: each NIC's device state, and the user networks' counters and leases. */
  save(): unknown {
    return {
      nics: this.nics.map((n) => ({ name: n.name, driver: n.driver, netdev: n.netdev, state: n.device.save() })),
      user: [...this.backends.entries()].filter(([, b]) => b.user).map(([id, b]) => ({ id, stats: { ...b.user!.stats } })),
    };
  }

  /** NICs on netdev `id`, in creation order. */
  nicsOn(id: string): BuiltNic[] {
    return this.nics.filter((n) => n.netdev === id);
  }

  /**
   * Connects netdev `id` to `hub`, an EthernetHub shared with other machines: a hubport's
   * machine hub is bridged to it (one port each way, named `<prefix>:hub<N>`), another netdev's
   * NICs are plugged in directly (`<prefix>:<nic>`). An error message when there is no such
   * netdev or it is a user network.
   */
  joinHub(id: string, hub: EthernetHub, portPrefix: string): string | null {
    const b = this.backends.get(id);
    if (!b) return `no netdev '${id}'`;
    if (b.user) return `netdev '${id}' is a user network`;
    if (b.spec.type === 'hubport' && b.hub) {
      const inner = b.hub;
      if (this.bridged.has(inner)) return null;
      this.bridged.add(inner);
      const outer = hub.attach(`${portPrefix}:${inner.name}`, (f) => uplink.send(f));
      const uplink = inner.attach('uplink', (f) => outer.send(f));
      return null;
    }
    if (b.hub) return `netdev '${id}' is already connected`;
    b.hub = hub;
    for (const n of this.nicsOn(id)) n.device.attach(hub, `${portPrefix}:${n.name}`);
    return null;
  }
}

/** What runLockstep needs of a machine (Machine satisfies it). */
export interface LockstepMachine {
  readonly powerState: string;
  run(opts: { untilNs: number }): unknown;
}

/**
 * Runs several machines that share hubs on one simulated timeline: each machine runs to the
 * next quantum boundary in turn, then the hubs' scheduler delivers the frames sent up to it.
 * Order is fixed (machines in array order), so a run is reproducible; a frame's delivery is
 * late by at most one quantum.
 */
export function runLockstep(machines: readonly LockstepMachine[], hubScheduler: EventScheduler, untilNs: number, quantumNs = 500_000): void {
  for (let t = hubScheduler.now + quantumNs; ; t += quantumNs) {
    const target = Math.min(t, untilNs);
    for (const m of machines) if (m.powerState === 'running') m.run({ untilNs: target });
    hubScheduler.runUntil(target);
    if (target >= untilNs || machines.every((m) => m.powerState !== 'running')) return;
  }
}
