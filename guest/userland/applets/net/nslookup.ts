// nslookup: BusyBox 1.35's DNS client. Asks the server (argument, else the first nameserver of
// /etc/resolv.conf) for A then AAAA records of a name, or PTR of an address, and prints each
// reply in its format: a "Server:/Address:" header, then per query either the answers (with
// "Non-authoritative answer:" unless the AA bit is set) or "** server can't find NAME: RCODE".

import { DNS_RCODE_NOERROR, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, DNS_TYPE_PTR } from '../../../net/wire/dns';
import type { DnsRepr } from '../../../net/wire/dns';
import { options } from '../common';
import type { Runtime } from '../../libc/runtime';
import { parseResolvConf, queryServer, readSmallFile } from '../../libc/resolver';
import { ECONNREFUSED, Net, formatIpv4, parseIpv4 } from '../../libc/socket';
import type { Sc } from '../../libc/sys';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** inet_ntop's IPv6 text: lower-case hex, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

export function reverseName(addr: number): string {
  return `${formatIpv4(addr).split('.').reverse().join('.')}.in-addr.arpa`;
}

/** One query's block of output, as BusyBox's parse_reply prints it. */
export function formatReply(name: string, reply: DnsRepr): string {
  if (reply.rcode !== DNS_RCODE_NOERROR) {
    return `** server can't find ${name}: ${RCODE_NAMES[reply.rcode] ?? `rcode ${reply.rcode}`}\n\n`;
  }
  let out = reply.authoritative ? '' : 'Non-authoritative answer:\n';
  for (const r of reply.answers) {
    const d = r.data;
    if (d.type === DNS_TYPE_A && 'address' in d && typeof d.address === 'number') out += `Name:\t${r.name}\nAddress: ${formatIpv4(d.address)}\n`;
    else if (d.type === DNS_TYPE_AAAA && 'address' in d && d.address instanceof Uint8Array) out += `Name:\t${r.name}\nAddress: ${formatIpv6(d.address)}\n`;
    else if (d.type === DNS_TYPE_CNAME && 'target' in d) out += `${r.name}\tcanonical name = ${d.target}\n`;
    else if (d.type === DNS_TYPE_PTR && 'target' in d) out += `${r.name}\tname = ${d.target}\n`;
  }
  return `${out}\n`;
}

export function serverHeader(server: number): string {
  return `Server:\t\t${formatIpv4(server)}\nAddress:\t${formatIpv4(server)}:53\n\n`;
}

function* chooseServer(net: Net, arg: string | undefined): Sc<number | undefined> {
  if (arg !== undefined) return parseIpv4(arg);
  return parseResolvConf((yield* readSmallFile(net, '/etc/resolv.conf')) ?? '').nameservers[0];
}

export function* nslookup(rt: Runtime): Sc<number> {
  const o = yield* options(rt, '');
  if (!o) return 1;
  const [name, serverArg] = o.operands;
  if (name === undefined) {
    yield* rt.error('missing host');
    return 1;
  }
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const server = yield* chooseServer(net, serverArg);
  if (server === undefined) {
    yield* rt.error(`bad address '${serverArg ?? ''}'`);
    return 1;
  }
  rt.out.put(serverHeader(server));
  const addr = parseIpv4(name);
  const queries: Array<[string, number]> = addr !== undefined ? [[reverseName(addr), DNS_TYPE_PTR]] : [[name, DNS_TYPE_A], [name, DNS_TYPE_AAAA]];
  const pid = yield* rt.sys.getpid();
  let status = 0;
  for (const [i, [qname, type]] of queries.entries()) {
    const r = yield* queryServer(net, server, qname, type, (pid * 31 + i * 7919) & 0xffff);
    if ('error' in r) {
      if (r.error === -ECONNREFUSED) yield* rt.error(`write to '${formatIpv4(server)}': Connection refused`);
      rt.out.put(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
    if (r.reply.rcode !== DNS_RCODE_NOERROR) status = 1;
    rt.out.put(formatReply(addr !== undefined ? qname : name, r.reply));
  }
  return status;
}
