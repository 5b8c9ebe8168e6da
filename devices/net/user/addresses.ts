// The fixed plan of QEMU's user network (slirp defaults): 10.0.2.0/24, gateway .2, DNS .3,
// DHCP leases from .15. Slirp answers ARP for its virtual hosts with 52:55 followed by the IPv4
// address, so the gateway is 52:55:0a:00:02:02.

import { formatIpv4, ipv4, type Ipv4Addr, type Mac } from '../../../guest/net/wire/bytes';

export const USER_NET = ipv4('10.0.2.0');
export const USER_NETMASK = ipv4('255.255.255.0');
export const USER_GATEWAY = ipv4('10.0.2.2');
export const USER_DNS = ipv4('10.0.2.3');
export const USER_DHCP_FIRST = ipv4('10.0.2.15');
/** Slirp's NB_BOOTP_CLIENTS. */
export const USER_DHCP_LEASES = 16;
/** Slirp's LEASE_TIME: one day. */
export const USER_LEASE_TIME_S = 86_400;
export const USER_BROADCAST = ipv4('10.0.2.255');

export function virtualMac(ip: Ipv4Addr): Mac {
  const [a, b, c, d] = formatIpv4(ip).split('.').map((x) => Number(x).toString(16).padStart(2, '0'));
  return `52:55:${a}:${b}:${c}:${d}`;
}

export function inUserNet(ip: Ipv4Addr): boolean {
  return ((ip & USER_NETMASK) >>> 0) === USER_NET;
}
