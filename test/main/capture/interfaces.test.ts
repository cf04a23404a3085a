// The interface list (cap's devices merged with /sys/class/net) and the /sys counters, on a veth
// pair the test makes and real frames sent over it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAllCounters, readInterfaceCounters, RateSampler } from '../../../main/capture/counters.ts';
import { listInterfaces, ringLinkType } from '../../../main/capture/interfaces.ts';
import { rawSender, sendRaw, vethPair, type VethPair } from '../../support/netns.ts';

let pair: VethPair;
beforeAll(() => {
  rawSender();
  pair = vethPair('ifaces', 46);
});
afterAll(() => pair?.cleanup());

test('the veth, lo and any are listed with link type, MTU, state and flags', () => {
  const list = listInterfaces();
  const veth = list.find((i) => i.name === pair.host);
  expect(veth).toMatchObject({
    linkType: 1,
    mtu: 1500,
    operstate: 'up',
    flags: { up: true, running: true, loopback: false, wireless: false },
  });
  expect(veth?.addresses).toContain(pair.hostIp);
  expect(list.find((i) => i.name === 'lo')).toMatchObject({ linkType: 1, flags: { loopback: true } });
  expect(list.find((i) => i.name === 'any')).toMatchObject({
    linkType: 276,
    description: 'Pseudo-device that captures on all interfaces',
  });
  // Every name once; nothing the ring cannot open (libpcap's nflog, dbus, ...).
  const names = list.map((i) => i.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names).not.toContain('nflog');
  expect(ringLinkType('tw4-nothere')).toBeNull();
});

test('a link set down shows as down', () => {
  pair.inNs('ip', ['link', 'set', pair.peer, 'down']);
  try {
    const veth = listInterfaces().find((i) => i.name === pair.host);
    expect(veth?.operstate).toBe('down');
    expect(veth?.flags.running).toBe(false);
    expect(veth?.flags.up).toBe(true);
  } finally {
    pair.inNs('ip', ['link', 'set', pair.peer, 'up']);
  }
});

test('counters move by exactly the frames sent, and the sampler turns them into rates', () => {
  const before = readInterfaceCounters(pair.host);
  expect(before).not.toBeNull();
  const sampler = new RateSampler();
  sampler.sample([before!], 1000);
  expect(sendRaw(pair, { count: 250, sizes: [100] })).toBe(250);
  const after = readInterfaceCounters(pair.host)!;
  expect(after.rxPackets - before!.rxPackets).toBe(250);
  expect(after.rxBytes - before!.rxBytes).toBe(250 * 100);
  expect(after.txPackets).toBe(before!.txPackets);
  const [rate] = sampler.sample([after], 3000);
  expect(rate).toEqual({ name: pair.host, packetsPerSec: 125, bytesPerSec: 12500 });
  expect(readInterfaceCounters('tw4-nothere')).toBeNull();
  expect(readAllCounters().map((c) => c.name)).toContain(pair.host);
});
