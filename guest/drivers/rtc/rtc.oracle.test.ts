// The RTC against real Linux: the same scenario (`-rtc base=2025-06-30T12:34:56` on q35) on the
// simulator and on QEMU with Debian's kernel gives the rtc_cmos boot lines and a `date` in that
// minute. Debian packages: qemu-system-x86 (+ `twinbox assets fetch`).
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../../emulator/backends/select';
import { haveAssets } from '../../../tools/assets/fetch';
import { parseScenario } from '../../../scenarios/engine/load';
import { formatFailure, runScenario } from '../../../scenarios/engine/run-scenario';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-rtc-oracle-'));

const SCENARIO = `name: rtc-base
machine: -M q35 -m 256M -nographic -rtc base=2025-06-30T12:34:56
timeouts: { expect: 60s, power-off: 30s, wall: 170s }
steps:
  - boot
  - expect: "/ # "
  - send: dmesg | grep rtc_cmos; date -u +%Y-%m-%dT%H:%M
  - expect: "rtc_cmos 00:04: registered as rtc0"
  - expect: { regex: "rtc_cmos 00:04: setting system clock to 2025-06-30T12:3[45]:[0-9]{2} UTC \\\\(17512[0-9]{5}\\\\)" }
  - expect: { regex: "^2025-06-30T12:3[45]\\\\r?$", flags: m }
  - send: poweroff -f
  - power-off
`;

describe('RTC base on both backends', () => {
  for (const backendName of ['sim', 'qemu']) {
    it(backendName, async () => {
      if (backendName === 'qemu') expect(haveAssets('x86_64'), 'run `twinbox assets fetch` first').toBe(true);
      const backend = await selectBackend(backendName);
      if (!backend.ok) throw new Error(backend.error);
      const parsed = parseScenario(SCENARIO, `scenarios/rtc-${backendName}.yaml`);
      if (!parsed.ok) throw new Error(parsed.error);
      const r = await runScenario(parsed.scenario, { backend: backend.backend, outDir });
      expect(formatFailure(r)).toBe('');
    }, 180_000);
  }
});
