// The network applets against Debian's BusyBox 1.35 (package busybox-static) on the host: the
// same commands run in real BusyBox against host servers (a DNS server on 127.0.0.1:53 answering
// from the user network's table, an HTTP server on loopback) and in the native userland against
// the simulated user network; outputs are equal once addresses and times are normalised.

import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsTable, answerDns } from '../../../../devices/net/user/dns-server';
import { emitDns, parseDns } from '../../../net/wire/dns';
import { runNetScript } from './testing';

const run = promisify(execFile);
const PAGE = '<!doctype html>\n<p>hello</p>\n';
const DNS = { 'example.com': '93.184.216.34', 'multi.test': ['10.9.0.1', '10.9.0.2'] };
const USER = { dns: DNS, hosts: [{ ip: '93.184.216.34', http: { port: 80, pages: { '/': PAGE } } }] };

async function busybox(script: string): Promise<string> {
  try {
    const r = await run('busybox', ['sh', '-c', `{ ${script}; } 2>&1`], { encoding: 'utf8' });
    return r.stdout;
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
}

function native(script: string): string {
  const out = runNetScript(`{ ${script}; } 2>&1; poweroff -f`, { staticConfig: true, user: USER }).out;
  const marker = 'Run /test-init as init process\n';
  return out.slice(out.indexOf(marker) + marker.length).replace(/\[ *\d+\.\d+\] reboot: Power down\n?/, '');
}

const norm = (s: string): string => s
  .replace(/\b(127\.0\.0\.1|10\.0\.2\.3|93\.184\.216\.34):(?!53\b)\d+\b/g, 'ADDR:PORT')
  .replace(/\b(127\.0\.0\.1|10\.0\.2\.3|93\.184\.216\.34)\b/g, 'ADDR')
  .replace(/time=\d+\.\d{3} ms/g, 'time=T ms')
  .replace(/min\/avg\/max = [\d./]+ ms/g, 'min/avg/max = T ms')
  .replace(/ttl=\d+/g, 'ttl=N');

describe('network applets against BusyBox 1.35', () => {
  let dns: Socket | undefined;
  let http: Server;
  let port = 0;

  beforeAll(async () => {
    const table = new DnsTable(DNS);
    const sock = createSocket('udp4');
    sock.on('message', (m, from) => {
      const q = parseDns(new Uint8Array(m));
      const a = q.ok ? answerDns(q.value, table) : null;
      if (a) sock.send(emitDns(a), from.port, from.address);
    });
    dns = await new Promise<Socket | undefined>((resolve) => {
      sock.once('error', () => resolve(undefined));
      sock.bind(53, '127.0.0.1', () => resolve(sock));
    });
    http = createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': PAGE.length, Connection: 'close' });
        res.end(PAGE);
      } else {
        res.writeHead(404, 'Not Found', { Connection: 'close' });
        res.end();
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    port = (http.address() as AddressInfo).port;
  });

  afterAll(() => {
    dns?.close();
    http.close();
  });

  for (const name of ['example.com', 'multi.test', 'nope.test', '93.184.216.34']) {
    it(`nslookup ${name}`, async (ctx) => {
      if (!dns) ctx.skip();
      const real = await busybox(`busybox nslookup ${name} 127.0.0.1; echo rc=$?`);
      expect(norm(native(`nslookup ${name}; echo rc=$?`))).toBe(norm(real));
    });
  }

  it('ping -c 2 (reply lines and statistics)', async () => {
    const real = await busybox('busybox ping -c 2 127.0.0.1; echo rc=$?');
    expect(norm(native('ping -c 2 10.0.2.3; echo rc=$?'))).toBe(norm(real));
  });

  it('wget -O - and -q, and a 404', async () => {
    const cmd = (base: string) => `wget -O - ${base}/; echo rc=$?; wget -q -O - ${base}/; wget -O - ${base}/missing; echo rc=$?`;
    const real = await busybox(cmd(`http://127.0.0.1:${port}`).replace(/wget/g, 'busybox wget'));
    const mine = native(cmd('http://93.184.216.34:80'));
    // Node answers "HTTP/1.1 404 Not Found", the simulated host "HTTP/1.0 404 Not Found".
    expect(norm(mine).replace('HTTP/1.0 404', 'HTTP/1.1 404')).toBe(norm(real));
  });

  it('nc to a closed port', async () => {
    const real = await busybox('busybox nc 127.0.0.1 1; echo rc=$?');
    expect(norm(native('nc 10.0.2.3 1; echo rc=$?'))).toBe(norm(real));
  });
});
