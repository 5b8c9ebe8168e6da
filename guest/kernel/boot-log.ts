// The text of the boot log, per architecture, in the shape Linux prints it (arm64
// setup_arch/start_kernel on QEMU virt; x86 e820/DMI lines on q35). Pure functions of the
// machine's facts, so the log is the same on every run.

export interface BootFacts {
  arch: 'aarch64' | 'x86_64';
  cmdline: string;
  ramBase: number;
  ramBytes: number;
  totalFrames: number;
  freeFrames: number;
  smp: number;
}

export const LINUX_BANNER = 'Linux version 6.12.0-twinbox (root@twinbox) (twinbox-tsc 5.9, TypeScript) #1 SMP PREEMPT Thu Jan  1 00:00:00 UTC 1970';

function hex16(n: number): string {
  return '0x' + n.toString(16).padStart(16, '0');
}

export function bootBanner(f: BootFacts): string[] {
  const end = f.ramBase + f.ramBytes - 1;
  if (f.arch === 'aarch64') {
    return [
      'Booting Linux on physical CPU 0x0000000000 [0x410fd083]',
      LINUX_BANNER,
      'Machine model: linux,dummy-virt',
      'efi: UEFI not found.',
      `NUMA: No NUMA configuration found`,
      `NUMA: Faking a node at [mem ${hex16(f.ramBase)}-${hex16(end)}]`,
      'Zone ranges:',
      `  DMA      [mem ${hex16(f.ramBase)}-${hex16(end)}]`,
      '  DMA32    empty',
      '  Normal   empty',
      'psci: probing for conduit method from DT.',
      'psci: PSCIv1.1 detected in firmware.',
      `percpu: Embedded 33 pages/cpu s97048 r8192 d29928 u135168`,
      'Detected PIPT I-cache on CPU0',
      `Kernel command line: ${f.cmdline}`,
    ];
  }
  return [
    LINUX_BANNER,
    `Command line: ${f.cmdline}`,
    'BIOS-provided physical RAM map:',
    'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
    'BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved',
    'BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved',
    `BIOS-e820: [mem 0x0000000000100000-${hex16(end)}] usable`,
    'NX (Execute Disable) protection: active',
    'DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014',
    'tsc: Fast TSC calibration using PIT',
    `Kernel command line: ${f.cmdline}`,
  ];
}

export function memoryLine(f: BootFacts): string {
  const totalK = f.ramBytes / 1024;
  const availK = f.freeFrames * 4;
  return `Memory: ${availK}K/${totalK}K available (16384K kernel code, 2048K rwdata, 4096K rodata, 2048K init, 512K bss, ${totalK - availK}K reserved, 0K cma-reserved)`;
}

export function driverLines(f: BootFacts, serialProbe: string): string[] {
  const common = [
    `rcu: Hierarchical RCU implementation.`,
    `Calibrating delay loop (skipped), value calculated using timer frequency.. 125.00 BogoMIPS (lpj=250000)`,
    'pid_max: default: 32768 minimum: 301',
    `smp: Brought up 1 node, ${f.smp} CPU${f.smp === 1 ? '' : 's'}`,
    'devtmpfs: initialized',
    'NET: Registered PF_NETLINK/PF_ROUTE protocol family',
  ];
  if (f.arch === 'aarch64') {
    return [
      ...common,
      'Serial: AMBA PL011 UART driver',
      serialProbe,
      'printk: console [ttyAMA0] enabled',
    ];
  }
  return [
    ...common,
    'Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled',
    serialProbe,
  ];
}
