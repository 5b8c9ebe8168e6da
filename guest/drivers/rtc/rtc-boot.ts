// Boot: find the RTC (PL031 on virt, CMOS on q35), log as Linux does, and set the kernel's
// wall clock from it (hctosys) so CLOCK_REALTIME, file times and `date` follow the RTC.

import type { Kernel } from '../../kernel/kernel';
import { isoSeconds, readCmos, readPl031 } from './rtc';

export function probeRtc(k: Kernel): void {
  const virt = k.machine.description.machine === 'virt';
  // q35's RTC is the fifth ACPI PNP device (PNP0b00), hence 00:04 as on QEMU's q35.
  const dev = virt ? 'rtc-pl031 9010000.pl031' : 'rtc_cmos 00:04';
  const seconds = virt ? readPl031(k.machine.bus) : readCmos(k.machine.bus);
  if (seconds === undefined) return;
  if (!virt) k.klog.printk(`${dev}: RTC can wake from S4`);
  k.klog.printk(`${dev}: registered as rtc0`);
  // hctosys: the system clock starts at the RTC's whole second, as Linux sets it.
  k.epochAtBootS = seconds - Math.floor(k.machine.scheduler.now / 1e9);
  k.klog.printk(`${dev}: setting system clock to ${isoSeconds(seconds)} UTC (${seconds})`);
  // Linux says `hpet irqs` on QEMU's q35, which has an HPET the RTC's alarm interrupts go through.
  if (!virt) k.klog.printk(`${dev}: alarms up to one day, y3k, 242 bytes nvram, hpet irqs`);
}
