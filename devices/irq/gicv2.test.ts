import { describe, expect, it } from 'vitest';
import { GicV2, GIC_SPURIOUS } from './gicv2';

function enabledGic() {
  const gic = new GicV2();
  gic.distributor.write(0x000, 4, 1); // GICD_CTLR
  gic.cpuInterface.write(0x00, 4, 1); // GICC_CTLR
  gic.cpuInterface.write(0x04, 4, 0xf0); // PMR
  return gic;
}

describe('GICv2', () => {
  it('delivers an enabled level interrupt through IAR and completes it through EOIR', () => {
    const gic = enabledGic();
    const uart = gic.line(33);
    gic.distributor.write(0x104, 4, 1 << 1); // ISENABLER1: intid 33
    uart.set(true);
    expect(gic.irqAsserted).toBe(true);
    expect(gic.cpuInterface.read(0x0c, 4)).toBe(33);
    expect(gic.irqAsserted).toBe(false); // active, not pending again until EOI
    uart.set(false);
    gic.cpuInterface.write(0x10, 4, 33);
    expect(gic.irqAsserted).toBe(false);
    expect(gic.cpuInterface.read(0x0c, 4)).toBe(GIC_SPURIOUS);
  });

  it('ignores disabled interrupts and masked priorities', () => {
    const gic = enabledGic();
    gic.line(40).set(true);
    expect(gic.irqAsserted).toBe(false);
    gic.distributor.write(0x104, 4, 1 << 8);
    expect(gic.irqAsserted).toBe(true);
    gic.distributor.write(0x428, 1, 0xf8); // priority of 40 below the mask
    expect(gic.irqAsserted).toBe(false);
  });

  it('takes the highest-priority pending interrupt first', () => {
    const gic = enabledGic();
    gic.distributor.write(0x104, 4, (1 << 1) | (1 << 2));
    gic.distributor.write(0x420, 4, 0x00_20_80_00); // 33 → 0x80, 34 → 0x20
    gic.line(33).set(true);
    gic.line(34).set(true);
    expect(gic.cpuInterface.read(0x0c, 4)).toBe(34);
  });

  it('reports its size in GICD_TYPER', () => {
    expect(new GicV2().distributor.read(0x004, 4)).toBe(8);
  });
});

describe('GICv2m', () => {
  it('turns an MSI write of an SPI number into a pending edge interrupt', async () => {
    const { GicV2m, V2M_SPI_BASE } = await import('./gicv2m');
    const gic = enabledGic();
    const v2m = new GicV2m(gic);
    expect(v2m.read(0x008, 4)).toBe((80 << 16) | 64);
    gic.distributor.write(0x100 + 4 * (V2M_SPI_BASE >> 5), 4, 1 << (V2M_SPI_BASE & 31));
    v2m.write(0x040, 4, V2M_SPI_BASE);
    expect(gic.cpuInterface.read(0x0c, 4)).toBe(V2M_SPI_BASE);
    gic.cpuInterface.write(0x10, 4, V2M_SPI_BASE);
    expect(gic.irqAsserted).toBe(false);
    v2m.write(0x040, 4, 5); // outside the frame: dropped
    expect(gic.irqAsserted).toBe(false);
  });
});
