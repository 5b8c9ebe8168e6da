// CPU models `-cpu` accepts per machine type, from qemu-system-{aarch64,x86_64} 7.2: `-cpu help`,
// narrowed on virt to the models hw/arm/virt.c accepts (others fail with "CPU type ... not
// supported"). `host` is left out: it needs KVM or HVF, which twinbox never has. The defaults
// are QEMU's own (machine class default_cpu_type), so an argv without -cpu means the same thing
// to both backends.

import type { MachineType } from './types';

const VIRT_CPUS = 'a64fx cortex-a7 cortex-a15 cortex-a35 cortex-a53 cortex-a57 cortex-a72 cortex-a76 max neoverse-n1';

const Q35_CPUS =
  '486 486-v1 Broadwell Broadwell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Broadwell-v1 ' +
  'Broadwell-v2 Broadwell-v3 Broadwell-v4 Cascadelake-Server Cascadelake-Server-noTSX ' +
  'Cascadelake-Server-v1 Cascadelake-Server-v2 Cascadelake-Server-v3 Cascadelake-Server-v4 ' +
  'Cascadelake-Server-v5 Conroe Conroe-v1 Cooperlake Cooperlake-v1 Cooperlake-v2 Denverton ' +
  'Denverton-v1 Denverton-v2 Denverton-v3 Dhyana Dhyana-v1 Dhyana-v2 EPYC EPYC-IBPB EPYC-Milan ' +
  'EPYC-Milan-v1 EPYC-Rome EPYC-Rome-v1 EPYC-Rome-v2 EPYC-v1 EPYC-v2 EPYC-v3 Haswell Haswell-IBRS ' +
  'Haswell-noTSX Haswell-noTSX-IBRS Haswell-v1 Haswell-v2 Haswell-v3 Haswell-v4 Icelake-Server ' +
  'Icelake-Server-noTSX Icelake-Server-v1 Icelake-Server-v2 Icelake-Server-v3 Icelake-Server-v4 ' +
  'Icelake-Server-v5 Icelake-Server-v6 IvyBridge IvyBridge-IBRS IvyBridge-v1 IvyBridge-v2 ' +
  'KnightsMill KnightsMill-v1 Nehalem Nehalem-IBRS Nehalem-v1 Nehalem-v2 Opteron_G1 Opteron_G1-v1 ' +
  'Opteron_G2 Opteron_G2-v1 Opteron_G3 Opteron_G3-v1 Opteron_G4 Opteron_G4-v1 Opteron_G5 ' +
  'Opteron_G5-v1 Penryn Penryn-v1 SandyBridge SandyBridge-IBRS SandyBridge-v1 SandyBridge-v2 ' +
  'Skylake-Client Skylake-Client-IBRS Skylake-Client-noTSX-IBRS Skylake-Client-v1 ' +
  'Skylake-Client-v2 Skylake-Client-v3 Skylake-Client-v4 Skylake-Server Skylake-Server-IBRS ' +
  'Skylake-Server-noTSX-IBRS Skylake-Server-v1 Skylake-Server-v2 Skylake-Server-v3 ' +
  'Skylake-Server-v4 Skylake-Server-v5 Snowridge Snowridge-v1 Snowridge-v2 Snowridge-v3 ' +
  'Snowridge-v4 Westmere Westmere-IBRS Westmere-v1 Westmere-v2 athlon athlon-v1 core2duo ' +
  'core2duo-v1 coreduo coreduo-v1 kvm32 kvm32-v1 kvm64 kvm64-v1 n270 n270-v1 pentium pentium-v1 ' +
  'pentium2 pentium2-v1 pentium3 pentium3-v1 phenom phenom-v1 qemu32 qemu32-v1 qemu64 qemu64-v1 ' +
  'base max ' +
  '';

export const CPU_MODELS: Record<MachineType, ReadonlySet<string>> = {
  virt: new Set(VIRT_CPUS.split(' ')),
  q35: new Set(Q35_CPUS.split(' ').filter((name) => name !== '')),
};

export const DEFAULT_CPU: Record<MachineType, string> = { virt: 'cortex-a15', q35: 'qemu64' };

/** The model part of `-cpu MODEL[,feature...]`: x86 models take feature flags after a comma. */
export function cpuModelName(cpu: string): string {
  const comma = cpu.indexOf(',');
  return comma < 0 ? cpu : cpu.slice(0, comma);
}
