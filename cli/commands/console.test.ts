import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { Readable } from 'node:stream';
import { createFakeGuest } from '../../emulator/backends/sim/testing/fake-guest';
import { consoleCommand, type ConsoleOptions } from './console';
import { Pacer } from './console-pace';
import { ConsoleInput } from './console-input';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = 'cli/commands/testing/twinbox-fake.ts';

function twinbox(args: string[], input: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

describe('twinbox console (child process)', () => {
  it('a piped session twice with one seed is byte-identical, and exits 0 at power-off', () => {
    const input = 'echo hello\ncount\ncount\npoweroff\n';
    const a = twinbox(['console', '-M', 'virt', '--seed', '3'], input);
    const b = twinbox(['console', '-M', 'virt', '--seed', '3'], input);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(Buffer.compare(a.stdout, b.stdout)).toBe(0);
    expect(a.stdout.toString()).toContain('/ # count\ncount 2\n');
    expect(a.stdout.toString()).toMatch(/reboot: Power down\n$/);
    const c = twinbox(['console', '-M', 'virt', '--seed', '4'], input);
    expect(Buffer.compare(a.stdout, c.stdout)).not.toBe(0);
  });

  it('refuses an unknown option by name, exit 2', () => {
    const r = twinbox(['console', '-M', 'q35', '-frobnicate'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("twinbox console: unknown option '-frobnicate'\n");
  });
});

describe('twinbox console (in process)', () => {
  async function run(args: string[], input: string, opts: Partial<ConsoleOptions> = {}) {
    const out: Buffer[] = [];
    let stderr = '';
    const code = await consoleCommand(args, { backend: 'sim', seed: '1', ...opts }, {
      stdin: Readable.from([Buffer.from(input)]),
      stdout: { write: (b: Uint8Array | string) => out.push(Buffer.from(b)) },
      stderr: { write: (t: string) => (stderr += t) },
      sim: { guest: createFakeGuest },
    });
    return { code, stdout: Buffer.concat(out).toString(), stderr };
  }

  it('boots a profile with --profile', async () => {
    const r = await run([], 'poweroff\n', { profile: 'profiles/q35-minimal.yaml' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Booting fake guest on q35');
  });

  it('refuses an unknown option by name', async () => {
    const r = await run(['-M', 'q35', '-frobnicate'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'-frobnicate'");
  });

  it('says when input ended and the guest idles forever', async () => {
    const r = await run(['-M', 'q35'], 'echo hi\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('twinbox console: guest idle with no more input\n');
    expect(r.stdout).toContain('/ # echo hi\nhi\n/ # ');
  });

  it('stops at the virtual-time and wall-time limits with a clear message', async () => {
    const v = await run(['-M', 'virt'], 'spin\n', { maxVirtualTime: '2s' });
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('virtual-time limit of 2s reached');
    const w = await run(['-M', 'virt'], 'spin\n', { timeout: '300ms' });
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('wall-time limit of 300ms reached');
  });

  it('rejects bad option values', async () => {
    expect((await run(['-M', 'virt'], '', { seed: 'x' })).code).toBe(2);
    expect((await run(['-M', 'virt'], '', { timeout: 'soon' })).stderr).toContain('--timeout soon');
    expect((await run([], '')).stderr).toContain('no machine');
    expect((await run(['-M', 'virt'], '', { profile: 'profiles/q35-minimal.yaml' })).stderr).toContain('not both');
    expect((await run(['-M', 'virt'], '', { backend: 'bochs' })).stderr).toContain("unknown backend 'bochs'");
  });
});

describe('twinbox console on a terminal', () => {
  it('runs in raw mode, passes keys through, and Ctrl-A x quits with exit 0', async () => {
    const p = pty.spawn(process.execPath, ['--import', 'tsx', CHILD, 'console', '-M', 'q35'], { cwd: ROOT, cols: 80, rows: 24 });
    let out = '';
    const seen = (text: string) => new Promise<void>((resolve) => {
      const check = () => (out.includes(text) ? resolve() : setTimeout(check, 20));
      check();
    });
    p.onData((d) => { out += d; });
    const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
    await seen('/ # ');
    await new Promise((r) => setTimeout(r, 100));
    p.write('echo hi\r');
    await seen('hi\r\n/ # ');
    p.write('\x01x');
    expect(await exited).toBe(0);
    expect(out).toContain('/ # echo hi\r\nhi\r\n/ # ');
    expect(out).toContain('twinbox console: terminated (Ctrl-A x)');
  });
});

describe('ConsoleInput', () => {
  const sink = () => {
    const sent: number[][] = [];
    let closed = false;
    return { sent, closed: () => closed, send: (b: Uint8Array) => sent.push([...b]), closeInput: () => { closed = true; } };
  };

  it('cuts piped input into lines however the pipe split it', () => {
    const s = sink();
    const inp = new ConsoleInput(s, false);
    inp.data(Buffer.from('ec'));
    inp.data(Buffer.from('ho a\necho b\nta'));
    inp.data(Buffer.from('il'));
    inp.end();
    expect(s.sent.map((b) => Buffer.from(b).toString())).toEqual(['echo a\n', 'echo b\n', 'tail']);
    expect(s.closed()).toBe(true);
  });

  it('Ctrl-A x quits and Ctrl-A Ctrl-A sends one Ctrl-A in raw mode', async () => {
    const s = sink();
    const inp = new ConsoleInput(s, true);
    inp.data(Uint8Array.from([0x61, 0x01, 0x01, 0x62]));
    expect(s.sent).toEqual([[0x61, 0x01, 0x62]]);
    expect(inp.quit).toBe(false);
    const woken = inp.next();
    inp.data(Uint8Array.from([0x01]));
    inp.data(Uint8Array.from([0x78]));
    await woken;
    expect(inp.quit).toBe(true);
  });
});

describe('Pacer', () => {
  it('lets virtual time run only as far as wall time has, and re-anchors when the clock resets', async () => {
    const p = new Pacer(5e9);
    const first = p.allowedNs(5e9);
    expect(first).toBeGreaterThanOrEqual(5e9);
    expect(first).toBeLessThan(5e9 + 0.5e9);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.allowedNs(5e9)).toBeGreaterThanOrEqual(first + 40e6);
    const afterReboot = p.allowedNs(0);
    expect(afterReboot).toBeLessThan(0.5e9);
  });
});
