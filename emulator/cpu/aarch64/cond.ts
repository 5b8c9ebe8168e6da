// Condition codes (EQ..NV) evaluated on the CPU's NZCV.
import type { A64Cpu } from './cpu';

export function condHolds(c: A64Cpu, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0:
      r = c.zf === 1;
      break;
    case 1:
      r = c.cf === 1;
      break;
    case 2:
      r = c.nf === 1;
      break;
    case 3:
      r = c.vf === 1;
      break;
    case 4:
      r = c.cf === 1 && c.zf === 0;
      break;
    case 5:
      r = c.nf === c.vf;
      break;
    case 6:
      r = c.nf === c.vf && c.zf === 0;
      break;
    default:
      return true; // AL and NV both mean always
  }
  return (cond & 1) === 1 ? !r : r;
}

type Flags = { nf: number; zf: number; cf: number; vf: number };
type Test = (c: Flags) => boolean;

const TESTS: Test[] = [
  (c) => c.zf === 1,
  (c) => c.zf === 0,
  (c) => c.cf === 1,
  (c) => c.cf === 0,
  (c) => c.nf === 1,
  (c) => c.nf === 0,
  (c) => c.vf === 1,
  (c) => c.vf === 0,
  (c) => c.cf === 1 && c.zf === 0,
  (c) => !(c.cf === 1 && c.zf === 0),
  (c) => c.nf === c.vf,
  (c) => c.nf !== c.vf,
  (c) => c.nf === c.vf && c.zf === 0,
  (c) => !(c.nf === c.vf && c.zf === 0),
  () => true,
  () => true,
];

/** A condition test specialised at decode time (no switch per execution). */
export function condTest(cond: number): Test {
  return TESTS[cond & 15]!;
}

/** B.cond as one closure per condition, so the hot branch has no call or switch. */
export function condBranch(cond: number, target: number, next: number): (c: Flags) => number {
  switch (cond) {
    case 0: return (c) => (c.zf === 1 ? target : next);
    case 1: return (c) => (c.zf === 0 ? target : next);
    case 2: return (c) => (c.cf === 1 ? target : next);
    case 3: return (c) => (c.cf === 0 ? target : next);
    case 4: return (c) => (c.nf === 1 ? target : next);
    case 5: return (c) => (c.nf === 0 ? target : next);
    case 6: return (c) => (c.vf === 1 ? target : next);
    case 7: return (c) => (c.vf === 0 ? target : next);
    case 8: return (c) => (c.cf === 1 && c.zf === 0 ? target : next);
    case 9: return (c) => (c.cf === 1 && c.zf === 0 ? next : target);
    case 10: return (c) => (c.nf === c.vf ? target : next);
    case 11: return (c) => (c.nf !== c.vf ? target : next);
    case 12: return (c) => (c.nf === c.vf && c.zf === 0 ? target : next);
    case 13: return (c) => (c.nf === c.vf && c.zf === 0 ? next : target);
    default: return () => target;
  }
}
