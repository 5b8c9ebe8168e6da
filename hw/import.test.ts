import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importCapture, parseCapture } from './import';

const CAPTURE = `# twinbox hw capture of host
capture-version: 1
iommu: on
devices:
  - bdf: "0000:00:00.0"
    vendor: "8086"
    device: "29c0"
    class: "060000"
  - bdf: "0000:00:01.0"
    vendor: "8086"
    device: "1901"
    class: "060400"
    secondary_bus: "01"
    acs: false
  - bdf: "0000:01:00.0"
    vendor: "10de"
    device: "2484"
    class: "030000"
    multifunction: true
  - bdf: "0000:01:00.1"
    vendor: "10de"
    device: "228b"
    class: "040300"
  - bdf: "0000:00:03.0"
    vendor: "1b36"
    device: "000c"
    class: "060400"
    secondary_bus: "02"
    acs: false
groups:
  - id: 1
    devices: ["0000:01:00.1", "0000:00:01.0", "0000:01:00.0"]
`;

describe('hw import', () => {
  it('turns a capture into a profile of catalogue models at the same places', () => {
    const r = importCapture(CAPTURE);
    if (!r.ok) throw new Error(r.error);
    expect(r.capture.groups).toEqual([{ id: 1, devices: ['0000:00:01.0', '0000:01:00.0', '0000:01:00.1'] }]);
    expect(r.profile).toBe([
      '# Imported by twinbox hw import from a capture.sh dump.',
      'description: imported host (twinbox hw import)',
      'machine: q35', 'cpu: max', 'memory: 1G', 'nographic: true', 'nodefaults: true',
      'devices:', '  - { driver: "intel-iommu" }',
      '  - { driver: "pcie-root-port", id: "br-00-03-0", addr: "3.0", props: { slot: 1, disable-acs: "on" } }',
      'append: console=ttyS0 intel_iommu=on iommu=pt',
      'pci-host-devices:',
      '  - { driver: "host-intel-cpu-root-port", id: "br-00-01-0", addr: "1.0" }',
      '  - { driver: "host-nvidia-rtx3070", bus: "br-00-01-0", addr: "0.0", multifunction: true }',
      '  - { driver: "host-nvidia-rtx3070-audio", bus: "br-00-01-0", addr: "0.1" }',
      '',
    ].join('\n'));
  });

  it('names every function it has no model for', () => {
    const r = importCapture(CAPTURE.replace('"2484"', '"1c03"'));
    expect(r).toEqual({ ok: false, error: 'no twinbox model for 1 function(s): 0000:01:00.0 [10de:1c03] class 030000' });
    // A real host's own host bridge at 00:00.0 is represented by q35's MCH.
    expect(importCapture(CAPTURE.replace('"29c0"', '"3e30"')).ok).toBe(true);
  });

  it('gives a clear error for each kind of bad input', () => {
    const cases: Array<[string, string]> = [
      ['', 'expected a capture mapping (capture-version, iommu, devices, groups)'],
      ['capture-version: 2\n', 'unsupported capture-version 2 (expected 1)'],
      ['capture-version: 1\niommu: maybe\n', "'iommu' must be on or off"],
      ['capture-version: 1\niommu: on\ndevices: 3\n', "'devices' must be a list"],
      ['capture-version: 1\niommu: on\ndevices:\n  - bdf: "1:2:3"\n', 'devices[0]: \'bdf\' must be DDDD:BB:DD.F (got "1:2:3")'],
      ['capture-version: 1\niommu: on\ndevices:\n  - { bdf: "0000:00:01.0", vendor: 8086, device: "1", class: "0" }\n', "devices[0]: 'vendor' must be a hex string (got 8086)"],
      ['capture-version: 1\niommu: on\ndevices: []\ngroups: [{ id: -1, devices: [] }]\n', "groups[0]: 'id' must be a group number"],
      ['capture-version: 1\niommu: on\ndevices: []\ngroups: [{ id: 1, devices: [x] }]\n', "groups[0]: 'devices' must be a list of DDDD:BB:DD.F"],
      ['a: [1, 2\n', 'not valid YAML: '],
    ];
    for (const [text, error] of cases) {
      const r = parseCapture(text);
      expect(typeof r === 'string' ? r : 'parsed').toContain(error);
    }
    const orphan = importCapture(CAPTURE.replace('secondary_bus: "01"', 'secondary_bus: "05"'));
    expect(orphan).toEqual({ ok: false, error: '0000:01:00.0: no captured bridge has secondary bus 01 (the capture lacks config space?)' });
  });

  it('never throws on arbitrary text or mutated captures (fuzz)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const r = importCapture(text);
      expect(r.ok ? 'profile' : r.error.length > 0).toBeTruthy();
    }), { numRuns: 200 });
    const lines = CAPTURE.split('\n');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 12 })), { maxLength: 4 }), (edits) => {
      const l = [...lines];
      for (const [i, s] of edits) l[i] = s;
      expect(() => importCapture(l.join('\n'))).not.toThrow();
    }), { numRuns: 200 });
  });
});
