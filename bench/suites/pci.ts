// PCI figures: configuration reads through the q35 ECAM window (the path every guest
// enumeration and sysfs read takes), and a whole boot of the dual-display passthrough topology.

import { benchConfigReads, benchSmmuGroups } from '../../emulator/pci/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const configReads: BenchCase = {
  name: 'pci',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchConfigReads(quick ? 500_000 : 5_000_000, nowMs);
    return [{ name: 'PCI config reads through ECAM', value: r.readsPerSecond, unit: 'reads/s', better: 'higher' }];
  },
};

const smmuGroups: BenchCase = {
  name: 'pci-smmu-groups',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchSmmuGroups(quick ? 2_000 : 20_000, nowMs);
    return [{ name: 'virt+SMMUv3 IOMMU group formations', value: r.formationsPerSecond, unit: 'machines/s', better: 'higher' }];
  },
};

export const pciCases: BenchCase[] = [configReads, smmuGroups];
