import { describe, it, expect } from 'vitest';
import { formatPs, psCommand } from './procps';

// Rows as Debian's BusyBox 1.35 ps prints them (no TIME column).
describe('ps formatting', () => {
  it('prints PID USER COMMAND columns', () => {
    expect(formatPs([{ pid: 1, user: 'root', command: '/sbin/init' }, { pid: 12345, user: 'verylongname', command: 'sh' }]))
      .toBe('PID   USER     COMMAND\n    1 root     /sbin/init\n12345 verylong sh\n');
  });

  it('cuts lines to the terminal width minus one', () => {
    const long = '/process_api --firecracker-init --addr 0.0.0.0:2024';
    expect(formatPs([{ pid: 1, user: 'root', command: long }], 60).split('\n')[1]).toBe('    1 root     /process_api --firecracker-init --addr 0.0.0');
  });

  it('takes the command line, or [comm] when it is empty', () => {
    expect(psCommand('sleep\x0010\x00', '7 (sleep) S 1')).toBe('sleep 10');
    expect(psCommand('', '2 (kthreadd) S 0')).toBe('[kthreadd]');
    // BusyBox shows a comm that argv[0] does not start with in braces (as real ps lists /init and ash's NOEXEC applets).
    expect(psCommand('/bin/sh\x00/init\x00', '1 (init) S 0')).toBe('{init} /bin/sh /init');
    expect(psCommand('/bin/sh\x00', '9 (ps) R 2')).toBe('{ps} /bin/sh');
    expect(psCommand('-sh\x00', '2 (sh) S 1')).toBe('{sh} -sh');
    expect(psCommand('/bin/sh\x00', '2 (sh) S 1')).toBe('/bin/sh');
  });
});
