// HTTP/1.x pieces wget and httpd share, as pure functions: URL splitting, the request BusyBox
// wget sends, response-head parsing, chunked decoding, and wget's progress line.

export interface HttpUrl {
  /** Authority as written (host[:port]); wget prints it in "Connecting to". */
  authority: string;
  host: string;
  port: number;
  path: string;
}

export function parseHttpUrl(url: string): HttpUrl | undefined {
  const m = /^http:\/\/([^/?#]+)([^#]*)/i.exec(url);
  if (!m) return undefined;
  const authority = m[1]!.replace(/^[^@]*@/, '');
  const pm = /^(.*?)(?::(\d{1,5}))?$/.exec(authority)!;
  const port = pm[2] === undefined ? 80 : Number(pm[2]);
  if (pm[1] === '' || port > 65535) return undefined;
  return { authority, host: pm[1]!, port, path: m[2] === '' ? '/' : m[2]!.startsWith('/') ? m[2]! : `/${m[2]}` };
}

/** BusyBox 1.35 wget's request (HTTP/1.1, closing the connection after one response). */
export function httpRequest(u: HttpUrl, userAgent = 'Wget'): string {
  return `GET ${u.path} HTTP/1.1\r\nHost: ${u.authority}\r\nUser-Agent: ${userAgent}\r\nConnection: close\r\n\r\n`;
}

export interface ResponseHead {
  version: string;
  status: number;
  /** The status line without CRLF ("HTTP/1.0 404 File not found"). */
  statusLine: string;
  /** Lower-case names. */
  headers: Map<string, string>;
  headBytes: number;
}

/** Offset just past the blank line ending the head, or -1 while it is incomplete. */
export function headEnd(b: Uint8Array): number {
  for (let i = 0; i + 1 < b.length; i++) {
    if (b[i] === 0x0a && b[i + 1] === 0x0a) return i + 2;
    if (b[i] === 0x0a && b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

export function parseResponseHead(b: Uint8Array): ResponseHead | string {
  const end = headEnd(b);
  if (end < 0) return 'no response head';
  const lines = new TextDecoder().decode(b.subarray(0, end)).split(/\r?\n/);
  const statusLine = lines[0]!;
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(statusLine);
  if (!m) return `bad status line '${statusLine}'`;
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
  }
  return { version: m[1]!, status: Number(m[2]), statusLine, headers, headBytes: end };
}

/** Decodes a complete chunked body; a string says what is wrong (truncated, bad size). */
export function dechunk(b: Uint8Array): Uint8Array | string {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const nl = b.indexOf(0x0a, at);
    if (nl < 0) return 'truncated chunk size';
    const sizeText = new TextDecoder().decode(b.subarray(at, nl)).replace(/;.*/, '').trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return `bad chunk size '${sizeText}'`;
    const size = parseInt(sizeText, 16);
    at = nl + 1;
    if (size === 0) break;
    if (at + size > b.length) return 'truncated chunk';
    parts.push(b.subarray(at, at + size));
    at += size;
    if (b[at] === 0x0d) at++;
    if (b[at] === 0x0a) at++;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The transferred size as the progress meter shows it: 6 columns, then k/M/G units. */
function progressSize(bytes: number): string {
  if (bytes < 100000) return String(bytes).padStart(6);
  const units = 'kMGT';
  let v = bytes;
  for (const u of units) {
    v = Math.floor(v / 1024);
    if (v < 100000) return `${String(v).padStart(5)}${u}`;
  }
  return `${String(v).padStart(5)}P`;
}

/** wget's final progress line (a 32-column bar at the default 80-column width). */
export function progressLine(name: string, bytes: number, totalBytes: number | undefined, elapsedS: number): string {
  const pct = totalBytes === undefined || totalBytes === 0 ? 100 : Math.min(100, Math.floor((bytes * 100) / totalBytes));
  const stars = Math.floor((32 * pct) / 100);
  const bar = `${'*'.repeat(stars)}${' '.repeat(32 - stars)}`;
  const s = Math.max(0, Math.floor(elapsedS));
  const time = `${String(Math.floor(s / 3600)).padStart(2)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return `${name.slice(0, 20).padEnd(20)}${String(pct).padStart(4)}% |${bar}|${progressSize(bytes)} ${time} ETA\n`;
}

/** A minimal response for httpd. */
export function httpResponse(status: number, reason: string, body: Uint8Array, contentType: string): Uint8Array {
  const head = `HTTP/1.0 ${status} ${reason}\r\nContent-type: ${contentType}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  const h = new TextEncoder().encode(head);
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}
