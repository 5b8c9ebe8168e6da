// The stub resolver: numeric addresses, then /etc/hosts, then DNS over UDP to the nameservers
// of /etc/resolv.conf (glibc's order for "hosts: files dns"), with glibc's defaults of a 5 s
// timeout and 2 attempts per server. Parsing and query building are pure; `lookupHost` and
// `queryServer` do the I/O through the socket layer.

import { DNS_CLASS_IN, DNS_PORT, DNS_RCODE_NOERROR, DNS_TYPE_A, emitDns, parseDns } from '../../net/wire/dns';
import type { DnsRecord, DnsRepr } from '../../net/wire/dns';
import { O_RDONLY } from './numbers';
import { AF_INET, ETIMEDOUT, INADDR_LOOPBACK, Net, POLLIN, SOCK_DGRAM, SOCK_CLOEXEC, parseIpv4 } from './socket';
import type { Sc } from './sys';
import { fromUtf8 } from './text';

export const RES_TIMEOUT_NS = 5_000_000_000;
export const RES_ATTEMPTS = 2;

export interface HostsEntry {
  addr: number;
  names: string[];
}

/** /etc/hosts: "address name aliases...", '#' comments; IPv6 and malformed lines skipped. */
export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2) continue;
    const addr = parseIpv4(fields[0]!);
    if (addr !== undefined) out.push({ addr, names: fields.slice(1) });
  }
  return out;
}

export function hostsLookup(entries: readonly HostsEntry[], name: string): number | undefined {
  const key = name.toLowerCase();
  return entries.find((e) => e.names.some((n) => n.toLowerCase() === key))?.addr;
}

export interface ResolvConf {
  nameservers: number[];
  search: string[];
}

/** /etc/resolv.conf: nameserver lines (IPv4, at most 3 as glibc's MAXNS), search/domain. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [] };
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw.replace(/[#;].*/, '').trim().split(/\s+/);
    if (key === 'nameserver' && rest[0] !== undefined && conf.nameservers.length < 3) {
      const a = parseIpv4(rest[0]);
      if (a !== undefined) conf.nameservers.push(a);
    } else if (key === 'search' || key === 'domain') {
      conf.search = rest.filter(Boolean);
    }
  }
  // glibc: no nameserver line means the local host.
  if (conf.nameservers.length === 0) conf.nameservers.push(INADDR_LOOPBACK);
  return conf;
}

export function dnsQuery(id: number, name: string, type: number): Uint8Array {
  const q: DnsRepr = {
    id, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true,
    recursionAvailable: false, rcode: 0, questions: [{ name: name.replace(/\.$/, ''), type, class: DNS_CLASS_IN }],
    answers: [], authorities: [], additionals: [],
  };
  return emitDns(q);
}

/** The reply's A addresses for `name`, following CNAMEs inside the answer section. */
export function addressesIn(answers: readonly DnsRecord[], name: string): number[] {
  let want = name.toLowerCase().replace(/\.$/, '');
  const out: number[] = [];
  for (let hops = 0; hops < 8; hops++) {
    let next: string | undefined;
    for (const r of answers) {
      if (r.name.toLowerCase() !== want) continue;
      if (r.data.type === DNS_TYPE_A && 'address' in r.data && typeof r.data.address === 'number') out.push(r.data.address);
      else if ('target' in r.data) next = r.data.target.toLowerCase();
    }
    if (out.length > 0 || next === undefined) break;
    want = next;
  }
  return out;
}

/** Reads a small text file; undefined when it cannot be read. */
export function* readSmallFile(net: Net, path: string): Sc<string | undefined> {
  const fd = yield* net.sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  const chunks: Uint8Array[] = [];
  for (let total = 0; total < 1 << 20;) {
    const r = yield* net.sys.read(fd, 65536);
    if (typeof r === 'number' || r.length === 0) break;
    chunks.push(r);
    total += r.length;
  }
  yield* net.sys.close(fd);
  return chunks.map((c) => fromUtf8(c)).join('');
}

export type QueryResult = { reply: DnsRepr } | { error: number };

/** One question to one server with glibc's retry policy; the first matching reply wins. */
export function* queryServer(net: Net, server: number, name: string, type: number, id: number): Sc<QueryResult> {
  const fd = yield* net.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return { error: fd };
  try {
    const c = yield* net.connect(fd, { addr: server, port: DNS_PORT });
    if (c < 0) return { error: c };
    const query = dnsQuery(id, name, type);
    for (let attempt = 0; attempt < RES_ATTEMPTS; attempt++) {
      const s = yield* net.sendto(fd, query);
      if (s < 0) return { error: s };
      const reply = yield* awaitReply(net, fd, id);
      if (reply !== undefined) return reply;
    }
    return { error: -ETIMEDOUT };
  } finally {
    yield* net.sys.close(fd);
  }
}

function* awaitReply(net: Net, fd: number, id: number): Sc<QueryResult | undefined> {
  const start = yield* net.sys.clockGettimeNs(1);
  for (;;) {
    const now = yield* net.sys.clockGettimeNs(1);
    const left = RES_TIMEOUT_NS - (now - start);
    if (left <= 0) return undefined;
    const ready = yield* net.poll([{ fd, events: POLLIN }], left);
    if (typeof ready === 'number') return { error: ready };
    // POLLERR/POLLHUP too: the pending error (an ICMP unreachable) comes out of recvfrom.
    if (ready[0] === 0) continue;
    const r = yield* net.recvfrom(fd, 1500);
    // A refused port (ICMP unreachable on a connected socket) ends this server.
    if (typeof r === 'number') return { error: r };
    const parsed = parseDns(r.data);
    if (parsed.ok && parsed.value.response && parsed.value.id === id) return { reply: parsed.value };
  }
}

export type LookupResult = { addrs: number[] } | { error: 'notfound' | 'unreachable' };

/** gethostbyname for IPv4: numeric, /etc/hosts, then each nameserver in turn. */
export function* lookupHost(net: Net, name: string): Sc<LookupResult> {
  const numeric = parseIpv4(name);
  if (numeric !== undefined) return { addrs: [numeric] };
  const hosts = yield* readSmallFile(net, '/etc/hosts');
  const fromHosts = hosts === undefined ? undefined : hostsLookup(parseHosts(hosts), name);
  if (fromHosts !== undefined) return { addrs: [fromHosts] };
  // musl answers "localhost" itself when /etc/hosts does not.
  if (name.toLowerCase() === 'localhost') return { addrs: [INADDR_LOOPBACK] };
  const conf = parseResolvConf((yield* readSmallFile(net, '/etc/resolv.conf')) ?? '');
  const pid = yield* net.sys.getpid();
  let answered = false;
  for (const server of conf.nameservers) {
    const r = yield* queryServer(net, server, name, DNS_TYPE_A, (pid * 2654435761) & 0xffff);
    if ('error' in r) continue;
    answered = true;
    if (r.reply.rcode !== DNS_RCODE_NOERROR) break;
    const addrs = addressesIn(r.reply.answers, name);
    if (addrs.length > 0) return { addrs };
    break;
  }
  return { error: answered ? 'notfound' : 'unreachable' };
}
