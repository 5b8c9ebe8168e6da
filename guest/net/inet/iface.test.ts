import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_DGRAM } from '../socket';
import { decodeFrame } from '../wire/frame';
import { ADDR_B, asSocket, HubNetDevice, stackPair } from './testing';

describe('interface administration', () => {
  it('a downed interface loses its routes and sends nothing; bringing it up restores connected routes', () => {
    const p = stackPair();
    const s = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    expect(p.a.setUp('eth0', false)).toBe(0);
    expect(p.a.interfaces()[1].up).toBe(false);
    expect(p.a.routes()).toEqual([]);
    expect(s.send(new Uint8Array(1), 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false)).toBe(-101);
    expect(p.a.setUp('eth0', true)).toBe(0);
    expect(p.a.routes().length).toBe(1);
    expect(s.send(new Uint8Array(1), 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false)).toBe(1);
    expect(p.a.setUp('eth9', true)).toBe(-19);
  });

  it('MTU changes are validated and bound the fragment size', () => {
    const p = stackPair();
    expect(p.a.setMtu('eth0', 50)).toBe(-22);
    expect(p.a.setMtu('eth0', 9000)).toBe(-22);
    expect(p.a.setMtu('eth0', 576)).toBe(0);
    const sizes: number[] = [];
    p.hub.addTap((_t, f, from) => {
      const d = decodeFrame(f);
      if (from === 'a' && d.ok && (d.value.kind === 'ipv4' || d.value.kind === 'udp')) sizes.push(f.length - 14);
    });
    asSocket(p.a.createSocket(SOCK_DGRAM, 0)).send(new Uint8Array(2000), 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false);
    p.sched.runUntil(1e9);
    expect(sizes.length).toBe(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(576);
  });

  it('numbers devices from 2, refuses a duplicate name, and reports carrier from the device', () => {
    const p = stackPair();
    expect(p.a.addDevice(new HubNetDevice('eth0', '52:54:00:00:00:09', p.hub, 'x'))).toBe(-17);
    expect(p.a.addDevice(new HubNetDevice('eth1', '52:54:00:00:00:0a', p.hub, 'y'))).toBe(3);
    p.devA.linkUp = false;
    expect(p.a.interfaces().map((i) => [i.index, i.name, i.linkUp, i.up])).toEqual([[1, 'lo', true, true], [2, 'eth0', false, true], [3, 'eth1', true, false]]);
  });
});

describe('socket creation', () => {
  it('creates TCP, UDP, ping and raw ICMP sockets and refuses other combinations like Linux', () => {
    const p = stackPair();
    const kinds = [[1, 0], [1, 6], [2, 0], [2, 17], [2, 1], [3, 1]].map(([t, pr]) => {
      const s = p.a.createSocket(t, pr);
      return typeof s === 'number' ? s : [s.type, s.protocol];
    });
    expect(kinds).toEqual([[1, 6], [1, 6], [2, 17], [2, 17], [2, 1], [3, 1]]);
    expect(p.a.createSocket(1, 17)).toBe(-93);
    expect(p.a.createSocket(2, 6)).toBe(-93);
    expect(p.a.createSocket(3, 17)).toBe(-93);
    expect(p.a.createSocket(5, 0)).toBe(-94);
  });
});
