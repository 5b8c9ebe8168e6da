// system1: RayOS's System 1, the dashboard on the GPU. It finds the framebuffer
// (/sys/class/graphics/fb0, /dev/fb0), sets its mode with FBIOPUT_VSCREENINFO, maps it
// (MAP_SHARED) and every interval redraws: the active model, tokens/s, the memory split and
// the per-core load (from /proc/stat deltas), from the `key=value` lines System 2 writes to
// /run/rayos/metrics ("waiting for System 2" until that file exists). Only changed rows are
// stored into the mapping, then msync pushes them to the display.
//
//   system1 [-i SECONDS] [-n UPDATES] [-m METRICS_FILE] [-d FBDEV]
//
// -n 0 (the default) runs until killed.

import { drawText, fillRect, newCanvas, type Canvas, type Rgb } from '../../drivers/fb/canvas';
import { decodeFix, decodeVar, encodeVar, FB_FIX_BYTES, FB_VAR_BYTES, FBIOGET_FSCREENINFO, FBIOGET_VSCREENINFO, FBIOPUT_VSCREENINFO } from '../../drivers/fb/fb-structs';
import { FONT_HEIGHT_PX, FONT_WIDTH_PX } from '../../drivers/fb/font8x16';
import { strerror } from '../libc/errno';
import { MAP_ANONYMOUS, MAP_PRIVATE, NR, O_RDONLY, O_RDWR, PROT_READ, PROT_WRITE } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc, Sys } from '../libc/sys';
import { options } from '../applets/common';

export const METRICS_PATH = '/run/rayos/metrics';
export const TITLE = 'RayOS System 1';
export const WAITING = 'waiting for System 2';
const MAP_SHARED = 1, MS_SYNC = 4, NR_MSYNC = 227, CLOCK_MONOTONIC = 1;

export const COLORS = { bg: 0x101820, title: 0x2050a0, text: 0xe0e0e0, label: 0x80c0ff, warn: 0xffc040, bar: 0x40c060, barBg: 0x304050, mem: [0x4080ff, 0xc060ff, 0x808080, 0x304050] } as const;

export interface DashboardView {
  /** Metrics from System 2, or undefined before its file exists. */
  metrics: Map<string, string> | undefined;
  /** Load of each core in [0, 1] over the last interval. */
  coreLoad: number[];
  /** MemTotal and MemFree from /proc/meminfo, in KiB. */
  memTotalKib: number;
  memFreeKib: number;
  uptimeS: number;
  updates: number;
}

export function parseMetrics(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) m.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return m;
}

/** Busy and total jiffies of each `cpuN` line of /proc/stat. */
export function parseProcStatCores(text: string): Array<{ busy: number; total: number }> {
  const out: Array<{ busy: number; total: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    out[Number(m[1])] = { busy: total - idle, total };
  }
  return out.filter((x) => x !== undefined);
}

function meminfoKib(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

function firstOf(m: Map<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) if (m.has(k)) return m.get(k);
  return undefined;
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** Where each labelled line of the dashboard starts, in character cells (for tests and docs). */
export const ROWS = { title: 0, model: 2, tokens: 3, msPerToken: 4, memory: 6, memoryBar: 7, cores: 9 } as const;
export const VALUE_COL = 16;

function line(c: Canvas, row: number, label: string, value: string, color: Rgb = COLORS.text): void {
  drawText(c, FONT_WIDTH_PX, row * FONT_HEIGHT_PX, label.padEnd(VALUE_COL - 1), COLORS.label, COLORS.bg);
  drawText(c, VALUE_COL * FONT_WIDTH_PX, row * FONT_HEIGHT_PX, value, color, COLORS.bg);
}

/** Draws the whole dashboard for `v` into `c`. Pure: the same view gives the same pixels. */
export function drawDashboard(c: Canvas, v: DashboardView): void {
  fillRect(c, 0, 0, c.widthPx, c.heightPx, COLORS.bg);
  fillRect(c, 0, 0, c.widthPx, FONT_HEIGHT_PX, COLORS.title);
  drawText(c, FONT_WIDTH_PX, 0, TITLE, 0xffffff, COLORS.title);
  const m = v.metrics;
  if (!m) line(c, ROWS.model, 'Active model', WAITING, COLORS.warn);
  else {
    line(c, ROWS.model, 'Active model', firstOf(m, ['model', 'model_name']) ?? '-');
    line(c, ROWS.tokens, 'Tokens/s', firstOf(m, ['tokens_per_s', 'tg_tokens_per_s', 'tok_s']) ?? '-');
    line(c, ROWS.msPerToken, 'ms/token', firstOf(m, ['ms_per_token']) ?? '-');
  }
  drawMemory(c, v);
  const barCols = 40;
  v.coreLoad.forEach((load, i) => {
    const row = ROWS.cores + i;
    if ((row + 2) * FONT_HEIGHT_PX > c.heightPx) return;
    const pct = Math.round(Math.min(1, Math.max(0, load)) * 100);
    line(c, row, `CPU${i}`, `${String(pct).padStart(3)}%`);
    const x = (VALUE_COL + 6) * FONT_WIDTH_PX, y = row * FONT_HEIGHT_PX + 3;
    fillRect(c, x, y, barCols * FONT_WIDTH_PX, FONT_HEIGHT_PX - 6, COLORS.barBg);
    fillRect(c, x, y, Math.round((barCols * FONT_WIDTH_PX * pct) / 100), FONT_HEIGHT_PX - 6, COLORS.bar);
  });
  if (m) drawAllMetrics(c, ROWS.cores + v.coreLoad.length + 1, m);
  const status = `uptime ${v.uptimeS.toFixed(1)} s  update ${v.updates}  ${m ? `metrics ${m.size} keys` : WAITING}`;
  drawText(c, FONT_WIDTH_PX, c.heightPx - FONT_HEIGHT_PX, status, COLORS.text, COLORS.bg);
}

/** Every key=value System 2 wrote, one per line, as far as the screen allows. */
function drawAllMetrics(c: Canvas, firstRow: number, m: Map<string, string>): void {
  const lastRow = Math.floor(c.heightPx / FONT_HEIGHT_PX) - 3;
  if (firstRow > lastRow) return;
  drawText(c, FONT_WIDTH_PX, firstRow * FONT_HEIGHT_PX, `System 2 (${METRICS_PATH})`, COLORS.label, COLORS.bg);
  const maxCols = Math.floor(c.widthPx / FONT_WIDTH_PX) - 4;
  [...m].slice(0, lastRow - firstRow).forEach(([k, val], i) => {
    drawText(c, 3 * FONT_WIDTH_PX, (firstRow + 1 + i) * FONT_HEIGHT_PX, `${k}=${val}`.slice(0, maxCols), COLORS.text, COLORS.bg);
  });
}

/** The memory split: model weights, KV cache, the rest in use, free; a stacked bar under it. */
function drawMemory(c: Canvas, v: DashboardView): void {
  const num = (keys: readonly string[]) => Number(v.metrics ? firstOf(v.metrics, keys) ?? 0 : 0) || 0;
  const total = v.memTotalKib * 1024;
  const model = num(['mem_model_bytes', 'model_bytes']);
  const kv = num(['mem_kv_bytes', 'kv_bytes']);
  const free = v.memFreeKib * 1024;
  const other = Math.max(0, total - free - model - kv);
  line(c, ROWS.memory, 'Memory', `model ${mib(model)}  kv ${mib(kv)}  other ${mib(other)}  free ${mib(free)}`);
  const widthPx = Math.min(c.widthPx - 2 * FONT_WIDTH_PX, 100 * FONT_WIDTH_PX);
  let x = FONT_WIDTH_PX;
  [model, kv, other, free].forEach((part, i) => {
    const w = total > 0 ? Math.round((widthPx * part) / total) : 0;
    fillRect(c, x, ROWS.memoryBar * FONT_HEIGHT_PX + 3, w, FONT_HEIGHT_PX - 6, COLORS.mem[i]);
    x += w;
  });
}

function* readText(sys: Sys, path: string): Sc<string | undefined> {
  const fd = yield* sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  let text = '';
  for (let i = 0; i < 64; i++) {
    const r = yield* sys.read(fd, 1 << 16);
    if (typeof r === 'number' || r.length === 0) break;
    text += new TextDecoder().decode(r);
  }
  yield* sys.close(fd);
  return text;
}

interface Display {
  fd: number;
  canvas: Canvas;
  mapAddr: number;
  mapBytes: number;
}

/** Opens the framebuffer, (re)sets its mode and maps it; a message when there is none. */
function* openDisplay(rt: Runtime, dev: string): Sc<Display | string> {
  const sys = rt.sys;
  const name = yield* readText(sys, `/sys/class/graphics/${dev.replace(/^.*\//, '')}/name`);
  const fd = yield* sys.open(dev, O_RDWR);
  if (fd < 0) return `${dev}: ${strerror(fd)}`;
  const buf = yield* sys.raw(NR.mmap, [0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0]);
  if (buf < 0) return `mmap: ${strerror(buf)}`;
  const r1 = yield* sys.ioctl(fd, FBIOGET_VSCREENINFO, buf);
  const v = decodeVar(sys.mem.read(buf, FB_VAR_BYTES) ?? new Uint8Array(0));
  if (r1 < 0 || !v) return `FBIOGET_VSCREENINFO: ${strerror(r1 < 0 ? r1 : -14)}`;
  sys.mem.write(buf, encodeVar({ ...v, bitsPerPixel: 32, xoffset: 0, yoffset: 0, activate: 0 }));
  const r2 = yield* sys.ioctl(fd, FBIOPUT_VSCREENINFO, buf);
  if (r2 < 0) return `FBIOPUT_VSCREENINFO: ${strerror(r2)}`;
  const r3 = yield* sys.ioctl(fd, FBIOGET_FSCREENINFO, buf);
  if (r3 < 0) return `FBIOGET_FSCREENINFO: ${strerror(r3)}`;
  const fix = decodeFix(sys.mem.read(buf, FB_FIX_BYTES) ?? new Uint8Array(FB_FIX_BYTES));
  const mapBytes = fix.lineLength * v.yres;
  const mapAddr = yield* sys.raw(NR.mmap, [0, mapBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0]);
  if (mapAddr < 0 && mapAddr > -4096) return `mmap ${dev}: ${strerror(mapAddr)}`;
  yield* sys.raw(NR.munmap, [buf, 4096]);
  rt.out.put(`System 1 initialized: ${dev} ${(name ?? fix.id).trim()} ${v.xres}x${v.yres} 32bpp\n`);
  yield* rt.flush();
  return { fd, canvas: newCanvas(v.xres, v.yres, fix.lineLength), mapAddr, mapBytes };
}

/** Stores the rows of `next` that differ from `prev` into the mapping; how many rows changed. */
function storeChangedRows(sys: Sys, d: Display, prev: Uint8Array | undefined): number {
  const { bytes, strideBytes, heightPx } = d.canvas;
  let changed = 0;
  for (let y = 0; y < heightPx; ) {
    const same = (row: number) => prev !== undefined && equalRow(prev, bytes, row * strideBytes, strideBytes);
    if (same(y)) {
      y++;
      continue;
    }
    let end = y + 1;
    while (end < heightPx && !same(end)) end++;
    sys.mem.write(d.mapAddr + y * strideBytes, bytes.subarray(y * strideBytes, end * strideBytes));
    changed += end - y;
    y = end;
  }
  return changed;
}

function equalRow(a: Uint8Array, b: Uint8Array, at: number, len: number): boolean {
  for (let i = at; i < at + len; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function* system1(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'i:n:m:d:');
  if (!o) return 1;
  const intervalS = Number(o.values.get('i') ?? '2');
  const updates = Number(o.values.get('n') ?? '0');
  if (!(intervalS > 0) || !Number.isInteger(updates) || updates < 0) {
    yield* rt.error('usage: system1 [-i SECONDS] [-n UPDATES] [-m METRICS_FILE] [-d FBDEV]');
    return 1;
  }
  const d = yield* openDisplay(rt, o.values.get('d') ?? '/dev/fb0');
  if (typeof d === 'string') {
    yield* rt.error(d);
    return 1;
  }
  const metricsPath = o.values.get('m') ?? METRICS_PATH;
  let prevCores: Array<{ busy: number; total: number }> = [];
  let prevPixels: Uint8Array | undefined;
  for (let n = 1; updates === 0 || n <= updates; n++) {
    const metricsText = yield* readText(rt.sys, metricsPath);
    const cores = parseProcStatCores((yield* readText(rt.sys, '/proc/stat')) ?? '');
    const meminfo = (yield* readText(rt.sys, '/proc/meminfo')) ?? '';
    const coreLoad = cores.map((c, i) => {
      const p = prevCores[i];
      const dt = p ? c.total - p.total : c.total;
      return dt > 0 ? (c.busy - (p ? p.busy : 0)) / dt : 0;
    });
    prevCores = cores;
    const uptimeNs = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
    drawDashboard(d.canvas, {
      metrics: metricsText === undefined ? undefined : parseMetrics(metricsText), coreLoad,
      memTotalKib: meminfoKib(meminfo, 'MemTotal'), memFreeKib: meminfoKib(meminfo, 'MemFree'), uptimeS: Math.max(0, uptimeNs) / 1e9, updates: n,
    });
    if (storeChangedRows(rt.sys, d, prevPixels) > 0) yield* rt.sys.raw(NR_MSYNC, [d.mapAddr, d.mapBytes, MS_SYNC]);
    prevPixels = d.canvas.bytes.slice();
    if (updates !== 0 && n === updates) break;
    yield* rt.sys.nanosleep(intervalS * 1e9);
  }
  return 0;
}
