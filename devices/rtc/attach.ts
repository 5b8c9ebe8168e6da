// The machine's RTC: a PL031 at 0x09010000 (SPI 2) on virt, the CMOS RTC at ports 0x70-0x71
// on q35, as QEMU places them. Its time is the machine's epoch (-rtc base=, or a profile's
// `epoch`) plus virtual time, so the guest's wall clock is a deterministic function of the run.

import type { Bus } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';
import type { MachineDescription } from '../../emulator/machine/description/types';
import type { EventScheduler } from '../../emulator/time/scheduler';
import { CmosRtc } from './cmos';
import { Pl031, type RtcClock } from './pl031';

/** 2024-01-01T00:00:00Z: the guest's wall clock at power-on unless the description says otherwise. */
export const DEFAULT_EPOCH_S = 1_704_067_200;
export const PL031_BASE = 0x0901_0000;
export const PL031_INTID = 32 + 2;
export const CMOS_PORT = 0x70;

/** Seconds since the Unix epoch at virtual time 0, from the description's `epoch`. */
export function machineEpochS(d: MachineDescription): number {
  const e = d.extra['epoch'];
  return typeof e === 'number' && Number.isSafeInteger(e) && e >= 0 ? e : DEFAULT_EPOCH_S;
}

export function rtcClock(epochS: number, scheduler: EventScheduler): RtcClock {
  return {
    nowSeconds: () => epochS + Math.floor(scheduler.now / 1e9),
    at: (atSeconds, fn) => {
      const h = scheduler.schedule(Math.max(scheduler.now, (atSeconds - epochS) * 1e9), fn, 'rtc alarm');
      return { cancel: () => scheduler.cancel(h) };
    },
  };
}

export function attachRtc(d: MachineDescription, bus: Bus, scheduler: EventScheduler, gicLine: ((n: number) => IrqLine) | undefined): Pl031 | CmosRtc {
  const clock = rtcClock(machineEpochS(d), scheduler);
  if (d.machine === 'virt' && gicLine) {
    const rtc = new Pl031(clock, gicLine(PL031_INTID));
    bus.mapMmio('pl031', PL031_BASE, 0x1000, rtc);
    return rtc;
  }
  const rtc = new CmosRtc(clock.nowSeconds);
  bus.mapIo('rtc-cmos', CMOS_PORT, 2, rtc);
  return rtc;
}
