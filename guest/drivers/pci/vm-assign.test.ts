import { describe, expect, it } from 'vitest';
import { decideIommu } from './iommu';
import { noVfioSupport, parseDomainXml, startFailure, startReport } from './vm-assign';

describe('VM assignment (libvirt domain XML, QEMU vfio-pci realize)', () => {
  it('reads the name and PCI hostdevs; other hostdevs are ignored; bad addresses are refused', () => {
    const xml = `<domain type='kvm'><name>win11</name><devices>
      <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source></hostdev>
      <hostdev mode="subsystem" type="pci" managed="no"><source><address bus="0x0a" slot="0x1f"/></source></hostdev>
      <hostdev mode='subsystem' type='usb'><source><vendor id='0x046d'/></source></hostdev>
    </devices></domain>`;
    expect(parseDomainXml(xml)).toEqual({ name: 'win11', hostdevs: [{ bdf: '0000:01:00.1', managed: true }, { bdf: '0000:0a:1f.0', managed: false }] });
    expect(parseDomainXml('<vm/>')).toBe("XML error: missing root element 'domain'");
    expect(parseDomainXml('<domain><devices/></domain>')).toBe('XML error: missing domain name information');
    expect(parseDomainXml("<domain><name>x</name><hostdev type='pci'><source><address bus='0x01' slot='0x20' function='0x0'/></source></hostdev></domain>"))
      .toBe('XML error: Invalid PCI address in hostdev source');
  });

  it("QEMU's wording for the first unusable device; libvirt's report around it", () => {
    const ok = { bdf: '0000:01:00.0', exists: true, group: 1, viable: true };
    expect(startFailure([ok])).toBeUndefined();
    expect(startFailure([ok, { bdf: '0000:01:00.1', exists: true, group: 1, viable: false }])).toBe(
      'qemu-system-x86_64: -device {"driver":"vfio-pci","host":"0000:01:00.1","id":"hostdev1"}: vfio 0000:01:00.1: group 1 is not viable\n' +
      'Please ensure all devices within the iommu_group are bound to their vfio bus driver.');
    expect(startFailure([{ ...ok, group: undefined, viable: false }])).toMatch(/vfio 0000:01:00\.0: no iommu_group found: No such file or directory$/);
    expect(startReport('win11', undefined)).toEqual({ ok: true, text: "Domain 'win11' started\n" });
    expect(startReport('win11', 'boom').text).toBe("error: Failed to start domain 'win11'\nerror: internal error: qemu unexpectedly closed the monitor: boom\n");
    expect(noVfioSupport('w')).toContain("unsupported configuration: host doesn't support VFIO PCI passthrough");
  });
});

describe('IOMMU decision for AMD hosts', () => {
  const amd = { machine: 'q35' as const, machineOptions: {}, devices: [{ driver: 'amd-iommu', props: { intremap: 'on' } }] };
  it('AMD-Vi is on by default with an IVRS table; amd_iommu=off turns it off; amd_iommu=on changes nothing', () => {
    expect(decideIommu(amd, 'console=ttyS0').kind).toBe('amd');
    expect(decideIommu(amd, 'amd_iommu=on iommu=pt')).toMatchObject({ kind: 'amd', passthrough: true });
    expect(decideIommu(amd, 'amd_iommu=on').log).toContain('AMD-Vi: Interrupt remapping enabled');
    expect(decideIommu(amd, 'amd_iommu=off').kind).toBeUndefined();
    expect(decideIommu({ ...amd, devices: [] }, 'amd_iommu=on').kind).toBeUndefined();
  });
});
