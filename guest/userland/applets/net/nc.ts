// nc: BusyBox's small netcat (nc.c). Client `nc HOST PORT` or server `nc -l [-p PORT]`, then a
// poll loop copying stdin to the socket and the socket to stdout; stdin EOF half-closes the
// connection (shutdown SHUT_WR) so the peer sees EOF, socket EOF ends the program with 0.
// -e PROG replaces the process with PROG on the connection, as BusyBox does (no fork).

import { options } from '../common';
import type { Runtime } from '../../libc/runtime';
import { lookupHost } from '../../libc/resolver';
import {
  AF_INET, INADDR_ANY, Net, POLLERR, POLLHUP, POLLIN, POLLNVAL, SHUT_WR, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, formatIpv4, netStrerror,
} from '../../libc/socket';
import type { Sc } from '../../libc/sys';

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text) || Number(text) > 65535) return undefined;
  return Number(text);
}

function* listenAndAccept(rt: Runtime, net: Net, port: number): Sc<number | undefined> {
  const fd = yield* net.socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    yield* rt.perror('socket', fd);
    return undefined;
  }
  yield* net.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  const b = yield* net.bind(fd, { addr: INADDR_ANY, port });
  if (b < 0) {
    yield* rt.error(`bind: ${netStrerror(b)}`);
    return undefined;
  }
  const l = yield* net.listen(fd, 1);
  if (l < 0) {
    yield* rt.error(`listen: ${netStrerror(l)}`);
    return undefined;
  }
  const a = yield* net.accept(fd);
  yield* rt.sys.close(fd);
  if (typeof a === 'number') {
    yield* rt.error(`accept: ${netStrerror(a)}`);
    return undefined;
  }
  return a.fd;
}

function* connectTo(rt: Runtime, net: Net, host: string, port: number): Sc<number | undefined> {
  const found = yield* lookupHost(net, host);
  if ('error' in found) {
    yield* rt.error(`bad address '${host}'`);
    return undefined;
  }
  const addr = found.addrs[0]!;
  const fd = yield* net.socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    yield* rt.perror('socket', fd);
    return undefined;
  }
  const c = yield* net.connect(fd, { addr, port });
  if (c < 0) {
    yield* rt.error(`can't connect to remote host (${formatIpv4(addr)}): ${netStrerror(c)}`);
    return undefined;
  }
  return fd;
}

/** Copies stdin → socket and socket → stdout until the socket reaches EOF. */
export function* pump(rt: Runtime, net: Net, sock: number): Sc<number> {
  let stdinOpen = true;
  for (;;) {
    const fds = stdinOpen ? [{ fd: sock, events: POLLIN }, { fd: 0, events: POLLIN }] : [{ fd: sock, events: POLLIN }];
    const ready = yield* net.poll(fds, undefined);
    if (typeof ready === 'number') {
      yield* rt.perror('poll', ready);
      return 1;
    }
    if (ready[0]! & (POLLIN | POLLHUP | POLLERR)) {
      const r = yield* rt.sys.read(sock, 4096);
      if (typeof r === 'number' || r.length === 0) return 0;
      const w = yield* rt.sys.write(1, r);
      if (w < 0) return 1;
    }
    if (stdinOpen && ready[1]! & POLLNVAL) stdinOpen = false;
    if (stdinOpen && ready[1]! & (POLLIN | POLLHUP | POLLERR)) {
      const r = yield* rt.sys.read(0, 4096);
      if (typeof r === 'number' || r.length === 0) {
        yield* net.shutdown(sock, SHUT_WR);
        stdinOpen = false;
        continue;
      }
      const w = yield* net.sendAll(sock, r);
      if (w < 0) {
        yield* rt.error(`write: ${netStrerror(w)}`);
        return 1;
      }
    }
  }
}

function* execOn(rt: Runtime, sock: number, prog: string): Sc<number> {
  for (const fd of [0, 1, 2]) yield* rt.sys.dup3(sock, fd);
  yield* rt.sys.close(sock);
  const argv = prog.split(/\s+/).filter(Boolean);
  const paths = argv[0]!.includes('/') ? [argv[0]!] : ['/bin', '/sbin', '/usr/bin', '/usr/sbin'].map((d) => `${d}/${argv[0]}`);
  let err = -2;
  for (const p of paths) err = yield* rt.sys.execve(p, argv, rt.envp());
  yield* rt.perror(`can't execute '${argv[0]}'`, err);
  return 1;
}

export function* nc(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'lp:w:i:e:');
  if (!o) return 1;
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const localPort = o.values.has('p') ? parsePort(o.values.get('p')) : 0;
  if (localPort === undefined) {
    yield* rt.error(`invalid port '${o.values.get('p')}'`);
    return 1;
  }
  let sock: number | undefined;
  if (o.flags.has('l')) {
    sock = yield* listenAndAccept(rt, net, localPort);
  } else {
    const [host, portText] = o.operands;
    const port = parsePort(portText);
    if (host === undefined || port === undefined) {
      yield* rt.error(host === undefined ? 'missing host' : `bad port '${portText ?? ''}'`);
      return 1;
    }
    sock = yield* connectTo(rt, net, host, port);
  }
  if (sock === undefined) return 1;
  const prog = o.values.get('e');
  if (prog !== undefined && prog.trim() !== '') return yield* execOn(rt, sock, prog);
  return yield* pump(rt, net, sock);
}
