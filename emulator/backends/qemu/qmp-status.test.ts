import { describe, it, expect } from 'vitest';
import { parseQueryStatus, statusOfPower } from './qmp-status';

describe('QMP query-status', () => {
  it('reads StatusInfo as QEMU sends it (singlestep ignored)', () => {
    expect(parseQueryStatus({ running: true, singlestep: false, status: 'running' })).toEqual({ running: true, status: 'running' });
    expect(parseQueryStatus({ running: false, status: 'paused' })).toEqual({ running: false, status: 'paused' });
  });

  it('rejects malformed replies with a message, never throws', () => {
    expect(parseQueryStatus(null)).toMatch(/not an object/);
    expect(parseQueryStatus({ status: 'running' })).toMatch(/running/);
    expect(parseQueryStatus({ running: true, status: 'flying' })).toMatch(/unknown run state "flying"/);
    expect(parseQueryStatus('running')).toMatch(/not an object/);
  });

  it('a powered-off machine is shutdown, a running one running', () => {
    expect(statusOfPower('off')).toEqual({ running: false, status: 'shutdown' });
    expect(statusOfPower('running')).toEqual({ running: true, status: 'running' });
  });
});
