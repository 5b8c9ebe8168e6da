// Shared fixtures for the kernel networking tests: a machine with one virtio-net-pci NIC on
// `-netdev user`, whose simulated network has an HTTP host.

import type { MachineDescription } from '../../../emulator/machine/description/types';

export const HOST = '93.184.216.34';

export const USER_NET_DESC: Partial<MachineDescription> = {
  devices: [{ driver: 'virtio-net-pci', id: 'nic0', props: { netdev: 'n0' } }],
  netdevs: [{ type: 'user', id: 'n0', props: {} }],
  extra: { hosts: [{ ip: HOST, http: { port: 80, pages: { '/': '<html>twinbox</html>\n' } } }] },
};

