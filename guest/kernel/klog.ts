// The kernel log (printk): a bounded ring of records stamped with virtual time, echoed to
// the console in Linux's `[    1.234567] text` format. dmesg (syslog(2), /dev/kmsg) reads
// the ring; the console sink is attached once the console driver is up.

export const KLOG_MAX_RECORDS = 4096;
/** printk levels as in include/linux/kern_levels.h. */
export const KERN_ERR = 3, KERN_WARNING = 4, KERN_NOTICE = 5, KERN_INFO = 6, KERN_DEBUG = 7;

export interface KlogRecord {
  seq: number;
  tsNs: number;
  level: number;
  text: string;
}

/** `[    0.000000] ` from nanoseconds, exactly as printk's print_time() does. */
export function formatTimestamp(tsNs: number): string {
  const us = Math.floor(tsNs / 1000);
  const sec = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `[${String(sec).padStart(5, ' ')}.${frac}] `;
}

export class Klog {
  private readonly records: KlogRecord[] = [];
  private nextSeq = 0;
  private sink: ((text: string) => void) | undefined;
  /** Records at or below this level reach the console (console_loglevel, `quiet` makes it 4). */
  consoleLevel = 7;

  constructor(private readonly now: () => number) {}

  attachConsole(sink: (text: string) => void): void {
    this.sink = sink;
    // Replay what was logged before the console existed, as Linux does on console registration.
    for (const r of this.records) if (r.level < this.consoleLevel) sink(formatTimestamp(r.tsNs) + r.text + '\n');
  }

  printk(text: string, level = KERN_INFO): void {
    const rec: KlogRecord = { seq: this.nextSeq++, tsNs: this.now(), level, text };
    this.records.push(rec);
    if (this.records.length > KLOG_MAX_RECORDS) this.records.shift();
    if (this.sink && level < this.consoleLevel) this.sink(formatTimestamp(rec.tsNs) + text + '\n');
  }

  /** The ring as `dmesg` prints it. */
  text(): string {
    return this.records.map((r) => formatTimestamp(r.tsNs) + r.text + '\n').join('');
  }

  /** The ring as syslog(SYSLOG_ACTION_READ_ALL) returns it: `<level>[ts] text` lines. */
  syslogText(): string {
    return this.records.map((r) => `<${r.level}>${formatTimestamp(r.tsNs)}${r.text}\n`).join('');
  }

  all(): readonly KlogRecord[] {
    return this.records;
  }

  clear(): void {
    this.records.length = 0;
  }
}
