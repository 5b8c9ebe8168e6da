// libvirt's own schema check of the generated domain XML: virt-xml-validate FILE domain
// (Debian packages libvirt-clients and libxml2-utils).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runHw } from './commands';
import { readCores } from './cpu-topology';
import { INTEL_CPUINFO, NEURON_HOST, SMT_8C16T, VM_BASE, sysfsOf } from './testing/fixtures';
import { checkName, vmXml } from './vm-xml';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-vmxml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string): { status: number | null; output: string } {
  const file = join(dir, 'domain.xml');
  writeFileSync(file, xml);
  const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('vm-xml against virt-xml-validate', () => {
  it('validates the Phase 0 domain, with and without pinning and the vIOMMU', () => {
    const cores = readCores(sysfsOf([], { cpus: SMT_8C16T }));
    for (const o of [VM_BASE, { ...VM_BASE, cores }, { ...VM_BASE, viommu: true, width: 3840, height: 2160 }]) {
      const r = validate(vmXml(o));
      expect(r.output).toContain('validates');
      expect(r.status).toBe(0);
    }
  });

  it('validates what `hw vm-xml` prints for the NeuronOS host', () => {
    const r = runHw(['vm-xml', '--name', 'win11 <gaming> & "work"', '--vcpus', '6'], { sys: sysfsOf(NEURON_HOST, { cpus: SMT_8C16T }), cpuinfo: INTEL_CPUINFO });
    expect(r.exitCode).toBe(0);
    expect(validate(r.stdout).status).toBe(0);
  });

  it('validates with odd names (property, 25 runs)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }), (name) => {
      if (checkName(name) !== undefined) return;
      const r = validate(vmXml({ ...VM_BASE, name }));
      expect(r.output).toContain('validates');
    }), { numRuns: 25 });
  });

  it('the validator does reject a broken domain (it is really checking)', () => {
    expect(validate(vmXml(VM_BASE).replace("<vcpu placement='static'>8</vcpu>", "<vcpu placement='bogus'>8</vcpu>")).status).not.toBe(0);
  });
});
