// The interfaces a capture can use: libpcap's device list (through `cap`: descriptions,
// addresses) merged with /sys/class/net (link type, MTU, operstate, flags), plus `any`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { InterfaceFlags, NetworkInterface } from './types.ts';

const SYS_NET = '/sys/class/net';
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_RUNNING = 0x40;
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL2 = 276;
const ANY_DESCRIPTION = 'Pseudo-device that captures on all interfaces';

interface CapDevice {
  name: string;
  description?: string;
  addresses?: { addr?: string }[];
  flags?: string;
}

interface CapModule {
  Cap: { deviceList(): CapDevice[] };
}

let capModule: CapModule | null | undefined;

/** The `cap` package (libpcap binding), or null when it cannot be loaded here. */
export function loadCap(): CapModule | null {
  if (capModule === undefined) {
    try {
      capModule = createRequire(import.meta.url)('cap') as CapModule;
    } catch {
      capModule = null;
    }
  }
  return capModule;
}

function readSys(iface: string, file: string): string | null {
  try {
    return readFileSync(`${SYS_NET}/${iface}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The DLT the ring backend captures `iface` with: Ethernet (loopback too, as libpcap), else cooked SLL2. */
export function ringLinkType(iface: string): number | null {
  if (iface === 'any') return LINKTYPE_LINUX_SLL2;
  const type = readSys(iface, 'type');
  if (type === null) return null;
  const arphrd = Number(type);
  return arphrd === ARPHRD_ETHER || arphrd === ARPHRD_LOOPBACK ? LINKTYPE_ETHERNET : LINKTYPE_LINUX_SLL2;
}

/** Whether `iface` exists now (`any` always does). */
export function interfaceExists(iface: string): boolean {
  return iface === 'any' || existsSync(`${SYS_NET}/${iface}`);
}

function sysFlags(iface: string): InterfaceFlags {
  const flags = Number.parseInt(readSys(iface, 'flags') ?? '0', 16) || 0;
  return {
    up: (flags & IFF_UP) !== 0,
    // The sysfs flags are dev->flags, which never hold IFF_RUNNING: carrier is what sets it.
    running: (flags & IFF_RUNNING) !== 0 || ((flags & IFF_UP) !== 0 && readSys(iface, 'carrier') === '1'),
    loopback: (flags & IFF_LOOPBACK) !== 0,
    wireless: existsSync(`${SYS_NET}/${iface}/wireless`) || existsSync(`${SYS_NET}/${iface}/phy80211`),
  };
}

function sysInterface(name: string, cap: CapDevice | undefined): NetworkInterface {
  return {
    name,
    description: cap?.description ?? '',
    addresses: (cap?.addresses ?? []).flatMap((a) => (a.addr ? [a.addr] : [])),
    flags: sysFlags(name),
    linkType: ringLinkType(name) ?? LINKTYPE_ETHERNET,
    mtu: Number(readSys(name, 'mtu') ?? 0),
    operstate: readSys(name, 'operstate') ?? 'unknown',
  };
}

function anyInterface(cap: CapDevice | undefined): NetworkInterface {
  return {
    name: 'any',
    description: cap?.description ?? ANY_DESCRIPTION,
    addresses: [],
    flags: { up: true, running: true, loopback: false, wireless: false },
    linkType: LINKTYPE_LINUX_SLL2,
    mtu: 0,
    operstate: 'up',
  };
}

/**
 * Every interface a capture can open, in libpcap's order (running ones first), then any that
 * only /sys knows. libpcap's other pseudo-devices (nflog, dbus, ...) are left out: the ring
 * backend cannot open them.
 */
export function listInterfaces(): NetworkInterface[] {
  let devices: CapDevice[];
  try {
    devices = loadCap()?.Cap.deviceList() ?? [];
  } catch {
    devices = [];
  }
  let sysNames: string[];
  try {
    sysNames = readdirSync(SYS_NET).sort();
  } catch {
    sysNames = [];
  }
  const sys = new Set(sysNames);
  const byName = new Map(devices.map((d) => [d.name, d]));
  const out: NetworkInterface[] = [];
  const seen = new Set<string>();
  for (const d of devices) {
    if (d.name === 'any') out.push(anyInterface(d));
    else if (sys.has(d.name)) out.push(sysInterface(d.name, d));
    else continue;
    seen.add(d.name);
  }
  for (const name of sysNames) if (!seen.has(name)) out.push(sysInterface(name, byName.get(name)));
  if (!seen.has('any')) out.push(anyInterface(undefined));
  return out;
}
