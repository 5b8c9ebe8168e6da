// CFS load weights by nice level (kernel/sched/core.c, sched_prio_to_weight): each step of
// nice is about 10 % of CPU share, nice 0 weighs 1024. The scheduler turns a weight into a
// time slice proportional to it, so runnable tasks share a CPU in the ratio of their weights.

import { TIMESLICE_NS } from '../costs';

export const NICE_MIN = -20;
export const NICE_MAX = 19;
export const NICE_0_WEIGHT = 1024;

const PRIO_TO_WEIGHT: readonly number[] = [
  /* -20 */ 88761, 71755, 56483, 46273, 36291,
  /* -15 */ 29154, 23254, 18705, 14949, 11916,
  /* -10 */ 9548, 7620, 6100, 4904, 3906,
  /*  -5 */ 3121, 2501, 1991, 1586, 1277,
  /*   0 */ 1024, 820, 655, 526, 423,
  /*   5 */ 335, 272, 215, 172, 137,
  /*  10 */ 110, 87, 70, 56, 45,
  /*  15 */ 36, 29, 23, 18, 15,
];

export function clampNice(nice: number): number {
  return Math.max(NICE_MIN, Math.min(NICE_MAX, Math.trunc(nice)));
}

export function weightOfNice(nice: number): number {
  return PRIO_TO_WEIGHT[clampNice(nice) - NICE_MIN];
}

/** The time slice of a task at `nice`: TIMESLICE_NS for nice 0, scaled by the weight (at least 1 ns). */
export function sliceNsForNice(nice: number): number {
  return Math.max(1, Math.round((TIMESLICE_NS * weightOfNice(nice)) / NICE_0_WEIGHT));
}
