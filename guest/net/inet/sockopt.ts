// Socket options every AF_INET socket shares (SOL_SOCKET and IPPROTO_IP), decoded from the raw
// bytes the guest passed. Buffer sizes follow Linux: the value set is doubled for bookkeeping
// overhead and clamped (SOCK_MIN_RCVBUF/SNDBUF .. rmem_max/wmem_max).

import { EINVAL } from '../../kernel/errno';
import { ENOPROTOOPT, intOpt, IP_TOS, IP_TTL, IPPROTO_IP, optInt, SO_BINDTODEVICE, SO_BROADCAST, SO_DOMAIN, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE, SO_PROTOCOL, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_TYPE, SOL_SOCKET } from './consts';
import { AF_INET } from '../socket';

const RMEM_MAX = 212992, WMEM_MAX = 212992, SOCK_MIN_RCVBUF = 2304, SOCK_MIN_SNDBUF = 4608;

export interface CommonOptions {
  reuseAddr: boolean;
  reusePort: boolean;
  broadcast: boolean;
  keepAlive: boolean;
  dontRoute: boolean;
  bindToDevice: string;
  rcvBufBytes: number;
  sndBufBytes: number;
  ttl: number;
  tos: number;
  /** Pending asynchronous error (SO_ERROR reads and clears it); positive errno or 0. */
  error: number;
}

export function defaultOptions(rcvBufBytes: number, sndBufBytes: number): CommonOptions {
  return { reuseAddr: false, reusePort: false, broadcast: false, keepAlive: false, dontRoute: false, bindToDevice: '', rcvBufBytes, sndBufBytes, ttl: 64, tos: 0, error: 0 };
}

export interface OptionContext {
  type: number;
  protocol: number;
  interfaceExists(name: string): boolean;
}

/** Returns 0, -errno, or null when the option is not a common one (the family handles it). */
export function setCommonOption(o: CommonOptions, ctx: OptionContext, level: number, name: number, value: Uint8Array): number | null {
  if (level === SOL_SOCKET && name === SO_BINDTODEVICE) {
    const nul = value.indexOf(0);
    const dev = new TextDecoder().decode(nul >= 0 ? value.subarray(0, nul) : value);
    if (dev !== '' && !ctx.interfaceExists(dev)) return -19; // ENODEV
    o.bindToDevice = dev;
    return 0;
  }
  if (level !== SOL_SOCKET && level !== IPPROTO_IP) return null;
  const v = optInt(value);
  if (v === null) return -EINVAL;
  if (level === IPPROTO_IP) {
    if (name === IP_TTL) {
      if (v === -1) o.ttl = 64;
      else if (v < 1 || v > 255) return -EINVAL;
      else o.ttl = v;
      return 0;
    }
    if (name === IP_TOS) {
      o.tos = v & 0xff;
      return 0;
    }
    return null;
  }
  switch (name) {
    case SO_REUSEADDR: o.reuseAddr = v !== 0; return 0;
    case SO_REUSEPORT: o.reusePort = v !== 0; return 0;
    case SO_BROADCAST: o.broadcast = v !== 0; return 0;
    case SO_KEEPALIVE: o.keepAlive = v !== 0; return 0;
    case SO_DONTROUTE: o.dontRoute = v !== 0; return 0;
    case SO_RCVBUF: o.rcvBufBytes = Math.max(SOCK_MIN_RCVBUF, Math.min(RMEM_MAX, Math.max(0, v)) * 2); return 0;
    case SO_SNDBUF: o.sndBufBytes = Math.max(SOCK_MIN_SNDBUF, Math.min(WMEM_MAX, Math.max(0, v)) * 2); return 0;
    default: return null;
  }
}

export function getCommonOption(o: CommonOptions, ctx: OptionContext, level: number, name: number): Uint8Array | number | null {
  if (level === SOL_SOCKET && name === SO_BINDTODEVICE) return new TextEncoder().encode(o.bindToDevice);
  if (level === IPPROTO_IP) {
    if (name === IP_TTL) return intOpt(o.ttl);
    if (name === IP_TOS) return intOpt(o.tos);
    return null;
  }
  if (level !== SOL_SOCKET) return null;
  switch (name) {
    case SO_REUSEADDR: return intOpt(o.reuseAddr ? 1 : 0);
    case SO_REUSEPORT: return intOpt(o.reusePort ? 1 : 0);
    case SO_BROADCAST: return intOpt(o.broadcast ? 1 : 0);
    case SO_KEEPALIVE: return intOpt(o.keepAlive ? 1 : 0);
    case SO_DONTROUTE: return intOpt(o.dontRoute ? 1 : 0);
    case SO_RCVBUF: return intOpt(o.rcvBufBytes);
    case SO_SNDBUF: return intOpt(o.sndBufBytes);
    case SO_TYPE: return intOpt(ctx.type);
    case SO_PROTOCOL: return intOpt(ctx.protocol);
    case SO_DOMAIN: return intOpt(AF_INET);
    case SO_ERROR: {
      const e = o.error;
      o.error = 0;
      return intOpt(e);
    }
    default: return null;
  }
}

export { ENOPROTOOPT };
