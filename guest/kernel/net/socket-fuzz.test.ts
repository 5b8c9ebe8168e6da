// Hostile input at the socket calls: real sockets of every family, random calls on them with
// pointers into memory full of random bytes (sockaddrs, msghdrs, netlink messages, ifreqs).
// Every call returns a number, and the kernel logs no BUG.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runInit } from '../../testing/run';
import { syscallByName } from '../syscalls/table';
import { USER_NET_DESC } from './testing';

const CALLS = ['bind', 'listen', 'accept4', 'connect', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown', 'getsockname',
  'getpeername', 'setsockopt', 'getsockopt', 'ioctl', 'read', 'write'].map((n) => syscallByName(n)!.generic!);

describe('socket call fuzzing', () => {
  it('random calls on live sockets with random memory never break the kernel', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
      fc.array(fc.record({
        nr: fc.constantFrom(...CALLS),
        fd: fc.integer({ min: 0, max: 9 }),
        args: fc.array(fc.oneof(fc.integer({ min: -4, max: 300 }), fc.integer({ min: 0, max: 4000 }), fc.constantFrom(0x8912, 0x8913, 0x8914, 0x890b, 0x541b, 1, 270)), { minLength: 5, maxLength: 5 }),
        ptrs: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      }), { minLength: 1, maxLength: 40 }),
      (mem, calls) => {
        const results: unknown[] = [];
        const r = runInit(function* (u) {
          const sv = u.alloc(8);
          yield* u.sys('socketpair', 1, 1, 0, sv);
          yield* u.sys('socket', 1, 2 | 0o4000, 0);
          yield* u.sys('socket', 16, 3, 0);
          yield* u.sys('socket', 2, 2 | 0o4000, 0);
          yield* u.sys('socket', 2, 1 | 0o4000, 0);
          yield* u.sys('socket', 1, 5 | 0o4000, 0);
          const base = u.bytes(mem);
          for (const c of calls) {
            // Nonblocking everywhere: a random call must not sleep forever.
            const args = c.args.map((a, i) => (c.ptrs[i] ? base + (a % 4000) : a));
            if (c.nr === CALLS[5]) args[2] = (args[2] | 0x40) >>> 0;
            if (c.nr === CALLS[7]) args[1] = (args[1] | 0x40) >>> 0;
            results.push(yield { nr: c.nr, args: [c.fd, ...args] });
          }
        }, { description: USER_NET_DESC, untilNs: 20e9 });
        for (const v of results) expect(typeof v).toBe('number');
        expect(r.kernel.klog.text()).not.toContain('BUG:');
      },
    ), { numRuns: 40, seed: 7 });
  });
});
