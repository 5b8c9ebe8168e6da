// httpd: a tiny static HTTP server in BusyBox httpd's spirit: -p [IP:]PORT (default 80), -h HOME
// (default .), -f to stay in the foreground (otherwise it forks and the parent returns, as
// BusyBox daemonizes). One connection at a time; GET and HEAD of files, index.html for
// directories, BusyBox's 404/400/501 pages.

import type { NativeContext } from '../../../abi/native';
import { options } from '../common';
import { Runtime } from '../../libc/runtime';
import { O_RDONLY, S_IFDIR, S_IFMT, S_IFREG } from '../../libc/numbers';
import { AF_INET, INADDR_ANY, Net, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, netStrerror, parseIpv4 } from '../../libc/socket';
import type { Sc } from '../../libc/sys';
import { InStream } from '../../libc/stdio';
import { headEnd, httpResponse } from './http';

const MAX_HEAD_BYTES = 8192;

export interface HttpdRequest {
  method: string;
  path: string;
}

export function parseRequestLine(head: string): HttpdRequest | undefined {
  const m = /^([A-Z]+) (\S+)(?: HTTP\/\d\.\d)?\r?$/.exec(head.split('\n')[0] ?? '');
  if (!m) return undefined;
  return { method: m[1]!, path: m[2]! };
}

/** URL path → path under home; undefined when it would climb out ("..") or is malformed. */
export function mapPath(home: string, urlPath: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.replace(/[?#].*$/, ''));
  } catch {
    return undefined;
  }
  if (!p.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return `${home.replace(/\/+$/, '')}/${parts.join('/')}`;
}

export function errorPage(status: number, reason: string, text: string): Uint8Array {
  const body = `<HTML><HEAD><TITLE>${status} ${reason}</TITLE></HEAD>\n<BODY><H1>${status} ${reason}</H1>\n${text}\n</BODY></HTML>\n`;
  return httpResponse(status, reason, new TextEncoder().encode(body), 'text/html');
}

export function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const types: Record<string, string> = { html: 'text/html', htm: 'text/html', txt: 'text/plain', css: 'text/css', js: 'application/javascript', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', json: 'application/json' };
  return types[ext] ?? 'application/octet-stream';
}

function* readFileBytes(rt: Runtime, path: string): Sc<Uint8Array | undefined> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  const s = new InStream(rt.sys, fd);
  const data = yield* s.all();
  yield* rt.sys.close(fd);
  return s.error === 0 ? data : undefined;
}

function* respond(rt: Runtime, home: string, head: string): Sc<Uint8Array> {
  const req = parseRequestLine(head);
  if (!req) return errorPage(400, 'Bad Request', 'Unsupported method');
  if (req.method !== 'GET' && req.method !== 'HEAD') return errorPage(501, 'Not Implemented', 'The requested method is not recognized');
  let path = mapPath(home, req.path);
  if (path === undefined) return errorPage(400, 'Bad Request', 'Unsupported method');
  const st = yield* rt.sys.stat(path);
  if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR) path = `${path.replace(/\/+$/, '')}/index.html`;
  const st2 = yield* rt.sys.stat(path);
  const body = typeof st2 !== 'number' && (st2.mode & S_IFMT) === S_IFREG ? yield* readFileBytes(rt, path) : undefined;
  if (body === undefined) return errorPage(404, 'Not Found', 'The requested URL was not found');
  const full = httpResponse(200, 'OK', body, contentType(path));
  return req.method === 'HEAD' ? full.subarray(0, full.length - body.length) : full;
}

function* serveOne(rt: Runtime, net: Net, fd: number, home: string): Sc<void> {
  let buf = new Uint8Array(0);
  while (headEnd(buf) < 0 && buf.length < MAX_HEAD_BYTES) {
    const r = yield* net.recvfrom(fd, 4096);
    if (typeof r === 'number' || r.data.length === 0) break;
    const next = new Uint8Array(buf.length + r.data.length);
    next.set(buf);
    next.set(r.data, buf.length);
    buf = next;
  }
  if (buf.length > 0) yield* net.sendAll(fd, yield* respond(rt, home, new TextDecoder().decode(buf)));
  yield* rt.sys.close(fd);
}

function* serve(rt: Runtime, net: Net, listenFd: number, home: string): Sc<number> {
  for (;;) {
    const a = yield* net.accept(listenFd);
    if (typeof a === 'number') {
      yield* rt.error(`accept: ${netStrerror(a)}`);
      return 1;
    }
    yield* serveOne(rt, net, a.fd, home);
  }
}

function parseListen(text: string): { addr: number; port: number } | undefined {
  const m = /^(?:([\d.]+):)?(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) return undefined;
  const addr = m[1] === undefined ? INADDR_ANY : parseIpv4(m[1]);
  return addr === undefined ? undefined : { addr, port: Number(m[2]) };
}

export function* httpd(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'fivp:h:c:u:r:');
  if (!o) return 1;
  const listen = parseListen(o.values.get('p') ?? '80');
  if (!listen) {
    yield* rt.error(`bad port '${o.values.get('p')}'`);
    return 1;
  }
  const home = o.values.get('h') ?? '.';
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const fd = yield* net.socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    yield* rt.error(`socket: ${netStrerror(fd)}`);
    return 1;
  }
  yield* net.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  const b = yield* net.bind(fd, listen);
  if (b < 0) {
    yield* rt.error(`bind: ${netStrerror(b)}`);
    return 1;
  }
  yield* net.listen(fd, 9);
  if (o.flags.has('f')) return yield* serve(rt, net, fd, home);
  yield* rt.flush();
  const parent = rt;
  const pid = yield* rt.sys.fork(function* (ctx: NativeContext) {
    const sys = parent.sys.forChild(ctx.mem);
    const child = new Runtime(sys, parent.argv, parent.envp());
    const cnet = net.forChild(sys);
    const status = yield* serve(child, cnet, fd, home);
    yield* child.flush();
    yield* sys.exit(status);
    return status;
  });
  return pid < 0 ? 1 : 0;
}
