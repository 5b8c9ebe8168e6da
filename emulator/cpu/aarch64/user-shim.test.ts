// End to end without a toolchain: a minimal static ELF (built here) goes through parseElf64,
// loadElf, buildInitialStack and the CPU, and talks to the test shim through write and exit.
import { describe, expect, it } from 'vitest';
import { UserShim } from './testing/user-shim';

/** _start: x9 = argc; write(1, argv[1], strlen(argv[1])); exit(argc). */
const PROGRAM = [
  0xf94003e9, 0xf9400be1, 0xd2800002, 0x38626823, 0x34000063, 0x91000442, 0x17fffffd, 0xd2800020, 0xd2800808, 0xd4000001,
  0xaa0903e0, 0xd2800ba8, 0xd4000001,
];
const ENTRY = 0x400078; // right after the ELF header (64) and one program header (56)

function tinyElf(): Uint8Array {
  const code = PROGRAM.length * 4;
  const b = new Uint8Array(0x78 + code);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(ENTRY), true);
  v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint32(64, 1, true); // PT_LOAD
  v.setUint32(68, 5, true); // R+X
  v.setBigUint64(72, 0n, true);
  v.setBigUint64(80, 0x400000n, true);
  v.setBigUint64(88, 0x400000n, true);
  v.setBigUint64(96, BigInt(b.length), true);
  v.setBigUint64(104, BigInt(b.length), true);
  v.setBigUint64(112, 0x1000n, true);
  PROGRAM.forEach((w, i) => v.setUint32(0x78 + i * 4, w, true));
  return b;
}

describe('a static ELF through loader, stack and CPU', () => {
  it('reads argc/argv from the initial stack, writes and exits', () => {
    const shim = new UserShim();
    expect(shim.load(tinyElf(), ['/bin/tiny', 'héllo, twinbox', 'x'])).toBeUndefined();
    const r = shim.run(10_000);
    expect(r.stop).toBeUndefined();
    expect(r.stdout).toBe('héllo, twinbox');
    expect(r.exitCode).toBe(3);
  });

  it('a malformed ELF is refused with a message, not an exception', () => {
    const bad = tinyElf();
    bad[18] = 62;
    expect(new UserShim().load(bad, ['x'])).toMatch(/architecture/);
  });
});
