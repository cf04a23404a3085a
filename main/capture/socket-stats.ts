// Kernel statistics for the libpcap backend. The `cap` package exposes no pcap_stats, so the
// AF_PACKET socket libpcap opened for it is found among this process's descriptors (Linux: the
// socket inodes of /proc/self/fd matched against /proc/net/packet) and its PACKET_STATISTICS are
// read directly, as libpcap's own pcap_stats would.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { addon } from '../../native/index.ts';

/** Inodes of the AF_PACKET sockets of this network namespace, with the interface index each is bound to. */
function packetSocketInodes(): Map<number, number> {
  const out = new Map<number, number>();
  let text: string;
  try {
    text = readFileSync('/proc/net/packet', 'utf8');
  } catch {
    return out;
  }
  // sk RefCnt Type Proto Iface R Rmem User Inode
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 9) out.set(Number(f[8]), Number(f[4]));
  }
  return out;
}

/** This process's AF_PACKET socket descriptors, with the interface index each is bound to. */
export function packetSocketDescriptors(): Map<number, number> {
  const inodes = packetSocketInodes();
  const out = new Map<number, number>();
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return out;
  }
  for (const fd of fds) {
    let link: string;
    try {
      link = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(link);
    const ifindex = m ? inodes.get(Number(m[1])) : undefined;
    if (ifindex !== undefined) out.set(Number(fd), ifindex);
  }
  return out;
}

/** Interface index of `iface` (0 for `any`, as /proc/net/packet shows an unbound socket). */
function ifindexOf(iface: string): number | undefined {
  if (iface === 'any') return 0;
  try {
    return Number(readFileSync(`/sys/class/net/${iface}/ifindex`, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Counters read from a socket so far. */
export interface SocketCounters {
  packets: number;
  drops: number;
}

/**
 * The kernel counters of the packet socket that appeared for `iface` since `before` was taken
 * (packetSocketDescriptors()); null when there is none to read (not Linux, or not found).
 */
export class SocketStatistics {
  private readonly totals: SocketCounters = { packets: 0, drops: 0 };
  private closing = false;

  private constructor(private readonly fd: number) {}

  static find(before: Map<number, number>, iface: string): SocketStatistics | null {
    const ifindex = ifindexOf(iface);
    for (const [fd, bound] of packetSocketDescriptors()) {
      if (!before.has(fd) && bound === ifindex) return new SocketStatistics(fd);
    }
    return null;
  }

  /** Totals since the capture started (reading resets the kernel's counters: they are added up here). */
  read(): SocketCounters {
    // After the socket is closed its descriptor number may belong to another socket.
    if (this.closing) return { ...this.totals };
    try {
      const s = addon().packetSocketStatistics(this.fd);
      this.totals.packets += s.packets;
      this.totals.drops += s.drops;
    } catch {
      // The socket is closed (the capture ended): the totals stand.
    }
    return { ...this.totals };
  }

  /** The last read, before the socket closes; later reads give these totals. */
  readLast(): SocketCounters {
    const totals = this.read();
    this.closing = true;
    return totals;
  }
}
