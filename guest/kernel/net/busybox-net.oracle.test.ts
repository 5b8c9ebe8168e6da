// Real BusyBox 1.35 (static arm64) as the client of the kernel's rtnetlink and interface
// ioctls: `ip link show lo`, `ip -4 addr show lo` and `ifconfig lo`'s first lines under
// `twinbox exec` and under qemu-aarch64, whose calls reach the host's Linux kernel. Only the
// loopback interface is compared (the host has others; IPv6 is not modelled).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPaths } from '../../../tools/assets/fetch';
import { execCommand } from '../../../cli/commands/exec';

const BUSYBOX = process.env['TWINBOX_BUSYBOX_AARCH64'] ?? join(assetPaths('aarch64').dir, 'busybox');

function both(args: string[]): { real: string; mine: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'twinbox-bbnet-')));
  try {
    copyFileSync(BUSYBOX, join(dir, 'busybox'));
    const q = spawnSync('qemu-aarch64', ['./busybox', ...args], { cwd: dir, env: {} });
    const out: Uint8Array[] = [];
    execCommand({
      program: './busybox', args, opts: { root: dir }, cwd: dir, env: [],
      io: { stdin: () => new Uint8Array(0), stdout: (b) => out.push(b), stderr: () => {} },
    });
    return { real: q.stdout.toString('utf8'), mine: Buffer.concat(out).toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('BusyBox ip and ifconfig against the host kernel (loopback)', () => {
  it('has BusyBox and qemu-aarch64', () => {
    expect(existsSync(BUSYBOX), BUSYBOX).toBe(true);
    expect(spawnSync('qemu-aarch64', ['--version']).status).toBe(0);
  });

  it('ip link show lo (RTM_GETLINK by name)', () => {
    const { real, mine } = both(['ip', 'link', 'show', 'lo']);
    expect(mine).toBe(real);
    expect(mine).toContain('<LOOPBACK,UP,LOWER_UP> mtu 65536');
  });

  it('ip -4 addr show lo (RTM_GETLINK and RTM_GETADDR dumps)', () => {
    const { real, mine } = both(['ip', '-4', 'addr', 'show', 'lo']);
    expect(mine).toBe(real);
  });

  it('ifconfig lo: the address and flag lines (SIOCGIF* ioctls)', () => {
    const { real, mine } = both(['ifconfig', 'lo']);
    const head = (s: string) => s.split('\n').filter((l) => !l.includes('inet6')).slice(0, 3).join('\n');
    expect(head(mine)).toBe(head(real));
  });
});
