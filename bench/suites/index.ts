// Every suite `twinbox bench` runs, in order. Each capability adds its cases here.

import type { BenchCase } from '../harness';
import { inferenceBenchCase } from '../../tools/model/bench';
import { backendCases } from './backends';
import { coreCases } from './core';
import { cpuCases } from './cpu';
import { displayCases } from './display';
import { kernelCases } from './kernel';
import { pciCases } from './pci';
import { hwCases } from './hw';
import { moduleCases } from './modules';
import { storageCases } from './storage';
import { guestStorageCases } from './guest-storage';
import { guestDisplayCases } from './guest-display';
import { guestBlkLatencyCases } from './guest-blk-latency';
import { netKernelCases } from './net-kernel';
import { guestInferenceCase } from './inference-guest';
import { netStackCases } from './net-stack';
import { netToolsCases } from './net-tools';
import { jobControlCases } from './jobctl';

export const allCases: BenchCase[] = [...coreCases, ...pciCases, ...hwCases, ...moduleCases, ...cpuCases, ...kernelCases, ...storageCases, ...guestStorageCases, ...guestBlkLatencyCases, ...displayCases, ...guestDisplayCases, inferenceBenchCase, guestInferenceCase, ...backendCases, ...netKernelCases, ...netStackCases, ...netToolsCases, ...jobControlCases];
