// Our name table against Debian's pci.ids (package `pci.ids`, /usr/share/misc/pci.ids).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knownNames } from './names';

const PCI_IDS = '/usr/share/misc/pci.ids';

function parsePciIds(text: string): Map<string, string> {
  const names = new Map<string, string>();
  let vendor = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('C ')) vendor = ''; // class section follows the vendors
    const v = /^([0-9a-f]{4})\s+(.*)$/.exec(line);
    if (v) {
      vendor = v[1];
      names.set(vendor, v[2]);
      continue;
    }
    const d = /^\t([0-9a-f]{4})\s+(.*)$/.exec(line);
    if (d && vendor) names.set(`${vendor}:${d[1]}`, d[2]);
  }
  return names;
}

describe.skipIf(!existsSync(PCI_IDS))('names vs pci.ids', () => {
  it('every name we print is pci.ids\'s', () => {
    const ids = parsePciIds(readFileSync(PCI_IDS, 'utf8'));
    for (const n of knownNames()) {
      const key = n.deviceId === undefined ? n.vendorId.toString(16).padStart(4, '0') : `${n.vendorId.toString(16).padStart(4, '0')}:${n.deviceId.toString(16).padStart(4, '0')}`;
      expect([key, ids.get(key)]).toEqual([key, n.name]);
    }
  });
});
