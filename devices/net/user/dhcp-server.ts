// The DHCP server of the user network (RFC 2131 server side, slirp's policy): one lease per
// client MAC from 10.0.2.15 upwards, DISCOVER → OFFER, REQUEST → ACK or NAK, RELEASE frees.
// It maps a parsed client message to the reply and where to send it; framing is the caller's.

import { IPV4_BROADCAST, type Ipv4Addr, type Mac } from '../../../guest/net/wire/bytes';
import {
  BOOTREPLY,
  BOOTREQUEST,
  DHCP_FLAG_BROADCAST,
  DHCPACK,
  DHCPDISCOVER,
  DHCPNAK,
  DHCPOFFER,
  DHCPRELEASE,
  DHCPREQUEST,
  type DhcpOptions,
  type DhcpRepr,
} from '../../../guest/net/wire/dhcp';
import { USER_DHCP_FIRST, USER_DHCP_LEASES, USER_DNS, USER_GATEWAY, USER_LEASE_TIME_S, USER_NETMASK } from './addresses';

export interface DhcpReply {
  message: DhcpRepr;
  /** IPv4 destination: the broadcast address or the client's (new) address. */
  dstIp: Ipv4Addr;
  /** Ethernet destination: broadcast or the client's hardware address. */
  broadcastFrame: boolean;
}

export class DhcpServer {
  /** Lease slot → client MAC; slot i holds 10.0.2.(15 + i). An array keeps the order fixed. */
  private readonly leases: Array<Mac | null> = new Array<Mac | null>(USER_DHCP_LEASES).fill(null);

  /** The reply to a client message, or null when none is due. */
  handle(m: DhcpRepr): DhcpReply | null {
    if (m.op !== BOOTREQUEST) return null;
    switch (m.options.messageType) {
      case DHCPDISCOVER:
        return this.offer(m);
      case DHCPREQUEST:
        return this.request(m);
      case DHCPRELEASE:
        this.release(m.chaddr);
        return null;
      default:
        return null;
    }
  }

  leaseOf(mac: Mac): Ipv4Addr | null {
    const i = this.leases.indexOf(mac);
    return i < 0 ? null : USER_DHCP_FIRST + i;
  }

  private allocate(mac: Mac): Ipv4Addr | null {
    const existing = this.leaseOf(mac);
    if (existing !== null) return existing;
    const free = this.leases.indexOf(null);
    if (free < 0) return null;
    this.leases[free] = mac;
    return USER_DHCP_FIRST + free;
  }

  private offer(m: DhcpRepr): DhcpReply | null {
    const ip = this.allocate(m.chaddr);
    return ip === null ? null : this.reply(m, DHCPOFFER, ip);
  }

  private request(m: DhcpRepr): DhcpReply | null {
    // A REQUEST naming another server is that server's business (RFC 2131 §4.3.2).
    if (m.options.serverId !== undefined && m.options.serverId !== USER_GATEWAY) {
      this.release(m.chaddr);
      return null;
    }
    const wanted = m.options.requestedIp ?? m.ciaddr;
    const slot = wanted - USER_DHCP_FIRST;
    const fits = slot >= 0 && slot < USER_DHCP_LEASES && (this.leases[slot] === null || this.leases[slot] === m.chaddr);
    if (!fits) return this.reply(m, DHCPNAK, 0);
    this.release(m.chaddr);
    this.leases[slot] = m.chaddr;
    return this.reply(m, DHCPACK, wanted);
  }

  private release(mac: Mac): void {
    const i = this.leases.indexOf(mac);
    if (i >= 0) this.leases[i] = null;
  }

  private reply(m: DhcpRepr, type: number, yiaddr: Ipv4Addr): DhcpReply {
    const options: DhcpOptions =
      type === DHCPNAK
        ? { messageType: type, serverId: USER_GATEWAY, other: [] }
        : { messageType: type, serverId: USER_GATEWAY, leaseTimeS: USER_LEASE_TIME_S, subnetMask: USER_NETMASK, router: [USER_GATEWAY], dns: [USER_DNS], other: [] };
    const message: DhcpRepr = { op: BOOTREPLY, hops: 0, xid: m.xid, secs: 0, flags: m.flags, ciaddr: type === DHCPNAK ? 0 : m.ciaddr, yiaddr, siaddr: USER_GATEWAY, giaddr: m.giaddr, chaddr: m.chaddr, options };
    // RFC 2131 §4.1: NAKs and broadcast-flag requests go to broadcast; a bound client (ciaddr)
    // is unicast; otherwise unicast to the offered address at the client's hardware address.
    if (type === DHCPNAK || (m.flags & DHCP_FLAG_BROADCAST) !== 0) return { message, dstIp: IPV4_BROADCAST, broadcastFrame: true };
    if (m.ciaddr !== 0) return { message, dstIp: m.ciaddr, broadcastFrame: false };
    return { message, dstIp: yiaddr, broadcastFrame: false };
  }

  save(): Array<Mac | null> {
    return [...this.leases];
  }

  restore(leases: Array<Mac | null>): void {
    for (let i = 0; i < USER_DHCP_LEASES; i++) this.leases[i] = leases[i] ?? null;
  }
}
