// Linux signal numbers (asm-generic/signal.h) with their names and the glibc strsignal()
// descriptions ash prints for jobs killed by a signal.

const TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [1, 'HUP', 'Hangup'],
  [2, 'INT', 'Interrupt'],
  [3, 'QUIT', 'Quit'],
  [4, 'ILL', 'Illegal instruction'],
  [5, 'TRAP', 'Trace/breakpoint trap'],
  [6, 'ABRT', 'Aborted'],
  [7, 'BUS', 'Bus error'],
  [8, 'FPE', 'Floating point exception'],
  [9, 'KILL', 'Killed'],
  [10, 'USR1', 'User defined signal 1'],
  [11, 'SEGV', 'Segmentation fault'],
  [12, 'USR2', 'User defined signal 2'],
  [13, 'PIPE', 'Broken pipe'],
  [14, 'ALRM', 'Alarm clock'],
  [15, 'TERM', 'Terminated'],
  [16, 'STKFLT', 'Stack fault'],
  [17, 'CHLD', 'Child exited'],
  [18, 'CONT', 'Continued'],
  [19, 'STOP', 'Stopped (signal)'],
  [20, 'TSTP', 'Stopped'],
  [21, 'TTIN', 'Stopped (tty input)'],
  [22, 'TTOU', 'Stopped (tty output)'],
  [23, 'URG', 'Urgent I/O condition'],
  [24, 'XCPU', 'CPU time limit exceeded'],
  [25, 'XFSZ', 'File size limit exceeded'],
  [26, 'VTALRM', 'Virtual timer expired'],
  [27, 'PROF', 'Profiling timer expired'],
  [28, 'WINCH', 'Window changed'],
  [29, 'IO', 'I/O possible'],
  [30, 'PWR', 'Power failure'],
  [31, 'SYS', 'Bad system call'],
];

export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGTERM = 15;
export const SIGQUIT = 3;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const NSIG = 64;

export function signalName(sig: number): string | undefined {
  return TABLE.find((t) => t[0] === sig)?.[1];
}

export function signalDescription(sig: number): string {
  return TABLE.find((t) => t[0] === sig)?.[2] ?? `Real-time signal ${sig - 34}`;
}

/** A signal given as a number, NAME or SIGNAME (case-insensitive); undefined if unknown. */
export function parseSignal(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n < NSIG ? n : undefined;
  }
  const up = spec.toUpperCase().replace(/^SIG/, '');
  if (up === 'CLD') return 17;
  if (up === 'POLL') return 29;
  return TABLE.find((t) => t[1] === up)?.[0];
}

export function allSignals(): ReadonlyArray<readonly [number, string]> {
  return TABLE.map((t) => [t[0], t[1]] as const);
}
