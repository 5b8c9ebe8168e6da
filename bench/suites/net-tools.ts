// Guest network tools: HTTP GETs per second from the guest's wget to the simulated user network
// (wall time and virtual time).

import { benchGuestHttp } from '../../guest/userland/applets/net/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const guestHttp: BenchCase = {
  name: 'guest wget -> user network HTTP',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchGuestHttp(nowMs, quick ? 15 : 90);
    return [
      { name: 'guest HTTP GET (wget, 1 KiB page) wall', value: r.wallRequestsPerSec, unit: 'requests/s', better: 'higher' },
      { name: 'guest HTTP GET (wget, 1 KiB page) virtual', value: r.virtualRequestsPerSec, unit: 'requests/virtual s', better: 'higher' },
    ];
  },
};

export const netToolsCases: BenchCase[] = [guestHttp];
