// Network namespaces joined to the test's own namespace by a veth pair, and a raw-socket sender
// (raw-send.c) whose frames the tests can rebuild byte for byte. Needs root (CI runs as root).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RAW_SEND_SRC = fileURLToPath(new URL('./raw-send.c', import.meta.url));

export interface VethPair {
  /** The namespace holding `peer`. */
  ns: string;
  /** Our end, in the test's namespace: captures run here. */
  host: string;
  /** The far end, inside `ns`: senders run there. */
  peer: string;
  hostIp: string;
  peerIp: string;
  hostMac: string;
  peerMac: string;
  /** Runs a command inside the namespace. */
  inNs(cmd: string, args: readonly string[]): SpawnSyncReturns<string>;
  /** Deletes the namespace (and so both veth ends); safe to call twice. */
  cleanup(): void;
}

function run(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function quiet(cmd: string, args: readonly string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore' });
}

/**
 * Makes namespace `tw4-<tag>` and the veth pair `tw4-<tag>h` (here) / `tw4-<tag>p` (there), IPv6
 * off so that nothing but the test's own frames crosses it. `net` picks 10.244.<net>.0/24.
 * `tag` is at most 9 characters (interface names have 15).
 */
export function vethPair(tag: string, net: number): VethPair {
  const ns = `tw4-${tag}`;
  const host = `tw4-${tag}h`;
  const peer = `tw4-${tag}p`;
  if (host.length > 15) throw new Error(`tag ${tag} too long`);
  // Leftovers of a crashed run.
  quiet('ip', ['netns', 'del', ns]);
  quiet('ip', ['link', 'del', host]);
  run('ip', ['netns', 'add', ns]);
  const cleanup = (): void => {
    quiet('ip', ['netns', 'del', ns]);
    quiet('ip', ['link', 'del', host]);
  };
  try {
    run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', ns]);
    quiet('sysctl', ['-qw', `net.ipv6.conf.${host}.disable_ipv6=1`]);
    run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${peer}.disable_ipv6=1`]);
    run('ip', ['addr', 'add', `10.244.${net}.1/24`, 'dev', host]);
    run('ip', ['-n', ns, 'addr', 'add', `10.244.${net}.2/24`, 'dev', peer]);
    run('ip', ['link', 'set', host, 'up']);
    run('ip', ['-n', ns, 'link', 'set', peer, 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    cleanup();
    throw err;
  }
  const hostMac = readFileSync(`/sys/class/net/${host}/address`, 'utf8').trim();
  const peerMac = execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${peer}/address`], {
    encoding: 'utf8',
  }).trim();
  return {
    ns,
    host,
    peer,
    hostIp: `10.244.${net}.1`,
    peerIp: `10.244.${net}.2`,
    hostMac,
    peerMac,
    inNs: (cmd, args) => spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8' }),
    cleanup,
  };
}

/** raw-send compiled once per machine (rebuilt when the source is newer). */
export function rawSender(): string {
  const dir = join(tmpdir(), 'tw4-bin');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'raw-send');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(RAW_SEND_SRC).mtimeMs) {
    run('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', `${bin}.tmp`, RAW_SEND_SRC]);
    run('mv', [`${bin}.tmp`, bin]);
  }
  return bin;
}

export interface RawFrames {
  count: number;
  sizes?: number[];
  vlan?: number;
  dstMac?: string;
  srcIp?: string;
  dstIp?: string;
  dport?: number;
}

function rawArgs(f: RawFrames): string[] {
  const args = [String(f.count)];
  if (f.sizes) args.push('--sizes', f.sizes.join(','));
  if (f.vlan !== undefined) args.push('--vlan', String(f.vlan));
  if (f.dstMac) args.push('--dst-mac', f.dstMac);
  if (f.srcIp) args.push('--src-ip', f.srcIp);
  if (f.dstIp) args.push('--dst-ip', f.dstIp);
  if (f.dport !== undefined) args.push('--dport', String(f.dport));
  return args;
}

/** Sends the frames from the namespace's end; they arrive on `pair.host`. Returns how many were sent. */
export function sendRaw(pair: VethPair, frames: RawFrames): number {
  const r = pair.inNs(rawSender(), [pair.peer, ...rawArgs(frames)]);
  if (r.status !== 0) throw new Error(`raw-send failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

const DEFAULTS = { dstMac: '02:00:00:00:00:99', srcIp: '10.99.0.1', dstIp: '10.99.0.2', dport: 9 };

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => Number.parseInt(h, 16));
}

function ipBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Frame `seq` exactly as raw-send builds it (the TypeScript twin of build() in raw-send.c). */
export function expectedFrame(f: RawFrames, seq: number, srcMac: string): Uint8Array {
  const o = { ...DEFAULTS, ...f };
  const sizes = f.sizes ?? [60];
  const size = sizes[seq % sizes.length] as number;
  const b = new Uint8Array(size);
  b.set(macBytes(o.dstMac), 0);
  b.set(macBytes(srcMac), 6);
  let off = 12;
  if (f.vlan !== undefined) {
    b.set([0x81, 0x00, (f.vlan >> 8) & 0x0f, f.vlan & 0xff], off);
    off += 4;
  }
  b.set([0x08, 0x00], off);
  off += 2;
  const ipLen = size - off;
  const ip = b.subarray(off);
  ip.set([0x45, 0, ipLen >> 8, ipLen & 0xff, (seq >> 8) & 0xff, seq & 0xff, 0, 0, 64, 17, 0, 0]);
  ip.set(ipBytes(o.srcIp), 12);
  ip.set(ipBytes(o.dstIp), 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ((ip[i] as number) << 8) | (ip[i + 1] as number);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const c = ~sum & 0xffff;
  ip[10] = c >> 8;
  ip[11] = c & 0xff;
  const udp = ip.subarray(20);
  const udpLen = ipLen - 20;
  udp.set([0x9c, 0x40, o.dport >> 8, o.dport & 0xff, udpLen >> 8, udpLen & 0xff, 0, 0]);
  const payload = udp.subarray(8);
  for (let k = 0; k < payload.length; k++) payload[k] = (seq + k) & 0xff;
  if (payload.length >= 4)
    payload.set([(seq >>> 24) & 0xff, (seq >> 16) & 0xff, (seq >> 8) & 0xff, seq & 0xff]);
  return b;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
