// The RTC end to end: `-rtc base=` in the machine arguments, the device model (PL031 on virt,
// CMOS on q35), the kernel reading it at boot with Linux's messages, and `date` in the guest.
import { describe, expect, it } from 'vitest';
import type { NativeEntry } from '../../abi/native';
import type { MachineType } from '../../../emulator/machine/description/types';
import { parseQemuArgs } from '../../../emulator/machine/description/qemu-args';
import { toQemuArgs } from '../../../emulator/machine/description/qemu-emit';
import { bootMachine } from '../../testing/machine';
import { USERLAND_PROGRAMS } from '../../userland/programs';
import { isoSeconds } from './rtc';

const EPOCH = Date.UTC(2025, 5, 30, 12, 34, 56) / 1000;

function boot(type: MachineType, epoch: number | undefined, input: string[]) {
  const programs: Record<string, NativeEntry> = {};
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) programs[path] = p.main;
  return bootMachine({ type, programs, input: [...input, 'poweroff -f\n'], description: { extra: epoch === undefined ? {} : { epoch } } });
}

describe('RTC at boot', () => {
  it('-rtc base=DATE sets the description epoch and comes back out of toQemuArgs', () => {
    const r = parseQemuArgs(['-M', 'virt', '-rtc', 'base=2025-06-30T12:34:56,clock=vm']);
    expect(r.ok && r.value.extra).toEqual({ epoch: EPOCH });
    if (!r.ok) return;
    expect(toQemuArgs(r.value)).toContain('base=2025-06-30T12:34:56');
    const back = parseQemuArgs(toQemuArgs(r.value));
    expect(back.ok && back.value.extra).toEqual({ epoch: EPOCH });
    for (const bad of ['base=2025-02-30', 'base=yesterday', 'base=utc,frob=1']) expect(parseQemuArgs(['-M', 'q35', '-rtc', bad]).ok).toBe(false);
    expect(parseQemuArgs(['-M', 'q35', '-rtc', 'base=utc']).ok).toBe(true);
  });

  it('virt: rtc-pl031 sets the system clock; date shows it', () => {
    const r = boot('virt', EPOCH, ['date\n']);
    expect(r.output).toContain('rtc-pl031 9010000.pl031: registered as rtc0');
    expect(r.output).toContain(`rtc-pl031 9010000.pl031: setting system clock to 2025-06-30T12:34:56 UTC (${EPOCH})`);
    expect(r.output).toMatch(/\nMon Jun 30 12:34:5[6-9] UTC 2025\r?\n/);
  });

  it('q35: rtc_cmos with Linux lines; without an epoch the clock starts at 2024-01-01', () => {
    const r = boot('q35', undefined, ['date\n']);
    expect(r.output).toContain('rtc_cmos 00:04: RTC can wake from S4');
    expect(r.output).toContain('rtc_cmos 00:04: setting system clock to 2024-01-01T00:00:00 UTC (1704067200)');
    expect(r.output).toContain('rtc_cmos 00:04: alarms up to one day, y3k, 242 bytes nvram, hpet irqs');
    expect(r.output).toMatch(/\nMon Jan  1 00:00:0\d UTC 2024\r?\n/);
  });

  it('formats seconds as hctosys does', () => {
    expect(isoSeconds(0)).toBe('1970-01-01T00:00:00');
    expect(isoSeconds(951_782_400)).toBe('2000-02-29T00:00:00');
    expect(isoSeconds(EPOCH)).toBe('2025-06-30T12:34:56');
  });
});
