// wget: one HTTP/1.1 GET per URL over a TCP socket, following up to 20 redirects, with BusyBox
// 1.35's messages on stderr ("Connecting to", "saving to", the progress line) unless -q.

import { basename, options } from '../common';
import type { Runtime } from '../../libc/runtime';
import { O_CREAT, O_TRUNC, O_WRONLY } from '../../libc/numbers';
import { lookupHost } from '../../libc/resolver';
import { AF_INET, Net, SOCK_STREAM, formatIpv4, netStrerror } from '../../libc/socket';
import type { Sc } from '../../libc/sys';
import { dechunk, httpRequest, parseHttpUrl, parseResponseHead, progressLine } from './http';
import type { HttpUrl, ResponseHead } from './http';

const MAX_REDIRECTS = 20;
const CLOCK_MONOTONIC = 1;

type Fetched = { head: ResponseHead; body: Uint8Array } | { error: string };

function* connectTo(rt: Runtime, net: Net, u: HttpUrl, quiet: boolean): Sc<number | string> {
  const found = yield* lookupHost(net, u.host);
  if ('error' in found) return `bad address '${u.host}'`;
  const addr = found.addrs[0]!;
  if (!quiet) {
    rt.err.put(`Connecting to ${u.authority} (${formatIpv4(addr)}:${u.port})\n`);
    yield* rt.err.flush();
  }
  const fd = yield* net.socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return `socket: ${netStrerror(fd)}`;
  const c = yield* net.connect(fd, { addr, port: u.port });
  if (c < 0) {
    yield* rt.sys.close(fd);
    return `can't connect to remote host (${formatIpv4(addr)}): ${netStrerror(c)}`;
  }
  return fd;
}

/** Reads until EOF (the request asked the server to close). */
function* readAll(net: Net, fd: number): Sc<Uint8Array | number> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = yield* net.recvfrom(fd, 65536);
    if (typeof r === 'number') return r;
    if (r.data.length === 0) break;
    parts.push(r.data);
    total += r.data.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function* fetchOnce(rt: Runtime, net: Net, u: HttpUrl, userAgent: string, quiet: boolean): Sc<Fetched> {
  const fd = yield* connectTo(rt, net, u, quiet);
  if (typeof fd === 'string') return { error: fd };
  try {
    const sent = yield* net.sendAll(fd, new TextEncoder().encode(httpRequest(u, userAgent)));
    if (sent < 0) return { error: `error sending request: ${netStrerror(sent)}` };
    const all = yield* readAll(net, fd);
    if (typeof all === 'number') return { error: `error getting response: ${netStrerror(all)}` };
    const head = parseResponseHead(all);
    if (typeof head === 'string') return { error: 'error getting response: Connection reset by peer' };
    let body = all.subarray(head.headBytes);
    if (head.headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
      const d = dechunk(body);
      if (typeof d === 'string') return { error: `error getting response: ${d}` };
      body = d;
    } else {
      const len = Number(head.headers.get('content-length') ?? Number.NaN);
      if (Number.isInteger(len) && len >= 0 && body.length > len) body = body.subarray(0, len);
    }
    return { head, body };
  } finally {
    yield* rt.sys.close(fd);
  }
}

function* fetchFollowing(rt: Runtime, net: Net, url: string, userAgent: string, quiet: boolean): Sc<Fetched> {
  let u = parseHttpUrl(url);
  for (let hop = 0; u !== undefined && hop <= MAX_REDIRECTS; hop++) {
    const r = yield* fetchOnce(rt, net, u, userAgent, quiet);
    if ('error' in r) return r;
    const loc = r.head.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(r.head.status) || loc === undefined) return r;
    u = loc.startsWith('/') ? { ...u, path: loc } : parseHttpUrl(loc);
    if (u === undefined) return { error: `unsupported scheme in '${loc}'` };
  }
  return u === undefined ? { error: `not an http or ftp url: ${url}` } : { error: 'too many redirections' };
}

export function* wget(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'O:qT:U:P:Y:', true);
  if (!o) return 1;
  const quiet = o.flags.has('q');
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  let status = 0;
  for (const url of o.operands) {
    if (parseHttpUrl(url) === undefined) {
      yield* rt.error(`not an http or ftp url: ${url}`);
      return 1;
    }
    const t0 = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
    const r = yield* fetchFollowing(rt, net, url, o.values.get('U') ?? 'Wget', quiet);
    if ('error' in r) {
      yield* rt.error(r.error);
      return 1;
    }
    if (r.head.status < 200 || r.head.status > 299) {
      yield* rt.error(`server returned error: ${r.head.statusLine}`);
      return 1;
    }
    const elapsedS = ((yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC)) - t0) / 1e9;
    status |= yield* save(rt, o.values.get('O'), url, r.body, elapsedS, quiet);
  }
  if (o.operands.length === 0) {
    yield* rt.error('missing URL');
    return 1;
  }
  return status;
}

function* save(rt: Runtime, target: string | undefined, url: string, body: Uint8Array, elapsedS: number, quiet: boolean): Sc<number> {
  const toStdout = target === '-';
  const last = parseHttpUrl(url)!.path.replace(/[?#].*$/, '').split('/').pop() ?? '';
  const path = target ?? (last === '' ? 'index.html' : last);
  if (!quiet) rt.err.put(toStdout ? 'writing to stdout\n' : `saving to '${path}'\n`);
  yield* rt.err.flush();
  let fd = 1;
  if (!toStdout) {
    fd = yield* rt.sys.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o666);
    if (fd < 0) {
      yield* rt.perror(`can't open '${path}'`, fd);
      return 1;
    }
  } else {
    yield* rt.out.flush();
  }
  const w = yield* rt.sys.write(fd, body);
  if (!toStdout) yield* rt.sys.close(fd);
  if (w < 0) {
    yield* rt.perror('write error', w);
    return 1;
  }
  if (!quiet) {
    rt.err.put(progressLine(toStdout ? '-' : basename(path), body.length, body.length, elapsedS));
    rt.err.put(toStdout ? 'written to stdout\n' : `'${path}' saved\n`);
    yield* rt.err.flush();
  }
  return 0;
}
