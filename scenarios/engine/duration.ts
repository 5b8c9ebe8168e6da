// Durations as scenario files and the CLI write them: `250ms`, `5s`, `1.5m`, `100us`, `40ns`.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9 };
const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m)$/;

/** Nanoseconds, or undefined when `text` is not a duration. */
export function parseDurationNs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const ns = Math.round(Number(m[1]) * UNIT_NS[m[2]]);
  return Number.isSafeInteger(ns) ? ns : undefined;
}

/** Short human form for messages: `1.5s`, `200ms`. */
export function formatDurationNs(ns: number): string {
  if (ns >= 1e9) return `${trim(ns / 1e9)}s`;
  if (ns >= 1e6) return `${trim(ns / 1e6)}ms`;
  if (ns >= 1e3) return `${trim(ns / 1e3)}us`;
  return `${ns}ns`;
}

function trim(x: number): string {
  return String(Number(x.toFixed(6)));
}
