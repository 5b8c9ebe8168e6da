// Every suite `twinbox bench` runs, in order. Each capability adds its cases here.

import type { BenchCase } from '../harness';
import { inferenceBenchCase } from '../../tools/model/bench';
import { backendCases } from './backends';
import { coreCases } from './core';
import { cpuCases } from './cpu';
import { displayCases } from './display';
import { kernelCases } from './kernel';
import { pciCases } from './pci';
import { storageCases } from './storage';
import { guestStorageCases } from './guest-storage';

export const allCases: BenchCase[] = [...coreCases, ...pciCases, ...cpuCases, ...kernelCases, ...storageCases, ...guestStorageCases, ...displayCases, inferenceBenchCase, ...backendCases];
