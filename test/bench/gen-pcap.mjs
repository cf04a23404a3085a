#!/usr/bin/env node
// Deterministic generator of a realistic, mixed-traffic pcap for Trawl's benchmarks.
//
//   node test/bench/gen-pcap.mjs OUT.pcap [--packets 1000000] [--seed 1]
//
// Plain Node (ESM), no dependencies, no addon. Classic pcap, microsecond timestamps, Ethernet.
// The same --packets and --seed always give the same bytes.
//
// The capture point is a mirror port on a small office LAN (192.168.1.0/24, 2001:db8:1::/64) plus a
// tagged VLAN 20 (10.20.0.0/24, 2001:db8:20::/64), about 5% of the hosts. Many conversations run
// at once and their packets interleave; each one is a generator that writes exactly one packet per
// step straight into a large output buffer (flushed a few MiB at a time):
//
//   TCP over IPv4 and IPv6 with 3-way handshakes, MSS/SACK/timestamp/window-scale options, correct
//   seq/ack progression, delayed ACKs and FIN or RST teardown, carrying HTTP/1.1 (ports 80 and
//   8080; keep-alive, GET/POST, 200/201/304/404, Content-Length bodies) or TLS 1.3 (port 443:
//   ClientHello with SNI and ALPN, ServerHello, ChangeCipherSpec, application data records);
//   DNS over UDP/IPv4 and UDP/IPv6 (A/AAAA, CNAME chains, NXDOMAIN with SOA, EDNS0);
//   NTP v4 client/server; ICMP and ICMPv6 echo; ICMP port/host unreachable and a traceroute
//   (time exceeded) quoting the offending IP+UDP datagram; ARP who-has/is-at and gratuitous ARP;
//   ICMPv6 neighbour solicitation/advertisement.
//
// IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums are all valid. Frames are 60..1514 bytes
// (64..1514 when VLAN-tagged), timestamps strictly increase.

import fs from 'node:fs';

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(message) {
  if (message) console.error(`gen-pcap: ${message}`);
  console.error('usage: node test/bench/gen-pcap.mjs OUT.pcap [--packets N] [--seed S]');
  process.exit(2);
}

function parseCount(value, name) {
  const n = Number(String(value ?? '').replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 0) usage(`${name} wants a non-negative integer, got ${value}`);
  return n;
}

let outPath = null;
let total = 1_000_000;
let seed = 1;
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split('=', 2) : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--packets' || flag === '-n') total = parseCount(value(), '--packets');
    else if (flag === '--seed') seed = parseCount(value(), '--seed');
    else if (flag === '-h' || flag === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (outPath === null) outPath = a;
    else usage('give one output file');
  }
  if (outPath === null) usage('no output file');
}

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG (mulberry32, seeded through a small integer hash)

let rs = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ 0xc2b2ae35;
function rnd() {
  rs = (rs + 0x6d2b79f5) | 0;
  let t = Math.imul(rs ^ (rs >>> 15), 1 | rs);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (n) => Math.floor(rnd() * n); // 0 .. n-1
const rr = (a, b) => a + ri(b - a + 1); // a .. b
const u32 = () => Math.floor(rnd() * 4294967296) >>> 0;
const pick = (arr) => arr[ri(arr.length)];
function weighted(table) {
  let sum = 0;
  for (const [w] of table) sum += w;
  let x = rnd() * sum;
  for (const [w, v] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1][1];
}

// Random bytes (encrypted payloads, keys, nonces) come from one pool filled at start.
const POOL_SIZE = 1 << 20;
const pool = Buffer.allocUnsafe(POOL_SIZE + 65536);
for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE(u32(), i);
const randBytes = (n) => {
  const at = ri(POOL_SIZE - Math.min(n, POOL_SIZE));
  return pool.subarray(at, at + n);
};

// Text pool for HTTP bodies.
const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua packet capture network frame trawl analyzer protocol segment window ' +
  'latency throughput archive example service client server request response'
).split(' ');
let htmlText =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Example Domain</title>\n' +
  '<link rel="stylesheet" href="/static/css/site.css">\n</head>\n<body>\n<h1>Example Domain</h1>\n';
const paragraphs = [];
for (let n = 0; paragraphs.length < 4000; n++) {
  const words = [];
  for (let w = rr(8, 24); w > 0; w--) words.push(pick(WORDS));
  paragraphs.push(`<p id="p${n}">${words.join(' ')}.</p>\n`);
}
htmlText += paragraphs.join('');
const textPool = Buffer.from(htmlText, 'latin1');
const HTML_TAIL = Buffer.from('</body>\n</html>\n', 'latin1');

// ---------------------------------------------------------------------------------------------
// Output: one big buffer, flushed whenever fewer than SLACK bytes are left

const CHUNK = 8 << 20;
const SLACK = 4096;
const fd = fs.openSync(outPath, 'w');
const ob = Buffer.allocUnsafe(CHUNK);
let op = 0;
ob.writeUInt32LE(0xa1b2c3d4, 0); // magic: microsecond timestamps
ob.writeUInt16LE(2, 4);
ob.writeUInt16LE(4, 6);
ob.writeInt32LE(0, 8); // thiszone
ob.writeUInt32LE(0, 12); // sigfigs
ob.writeUInt32LE(262144, 16); // snaplen
ob.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
op = 24;

let emitted = 0;
let bytesOut = 0;
let clock = 1709294400 * 1e6; // 2024-03-01 12:00:00 UTC, in microseconds
let frameStart = 0;
let frameMin = 60;
let lastL3 = 0; // offset of the last frame's IP header in ob (valid until the next begin())
let lastEnd = 0;

function flush() {
  let off = 0;
  while (off < op) off += fs.writeSync(fd, ob, off, op - off);
  op = 0;
}

function begin(minLen) {
  if (op + SLACK > CHUNK) flush();
  clock += 1 + Math.floor(-Math.log(1 - rnd()) * 180); // strictly increasing, mean gap ~180 us
  frameStart = op + 16;
  frameMin = minLen;
  return frameStart;
}

function end(o) {
  lastEnd = o;
  let len = o - frameStart;
  if (len < frameMin) {
    ob.fill(0, o, frameStart + frameMin);
    len = frameMin;
  }
  const h = frameStart - 16;
  const sec = Math.floor(clock / 1e6);
  ob.writeUInt32LE(sec, h);
  ob.writeUInt32LE(clock - sec * 1e6, h + 4);
  ob.writeUInt32LE(len, h + 8);
  ob.writeUInt32LE(len, h + 12);
  op = frameStart + len;
  emitted++;
  bytesOut += len;
}

function w16(o, v) {
  ob[o] = v >>> 8;
  ob[o + 1] = v;
}
function w32(o, v) {
  ob[o] = v >>> 24;
  ob[o + 1] = v >>> 16;
  ob[o + 2] = v >>> 8;
  ob[o + 3] = v;
}

// Copies a small Buffer (address, MAC) into the output; cheaper than Buffer#copy at these sizes.
function put(src, o) {
  for (let i = 0; i < src.length; i++) ob[o + i] = src[i];
}

function sum16(buf, s, e, acc) {
  let i = s;
  for (; i + 1 < e; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < e) acc += buf[i] << 8;
  return acc;
}
function fold(acc) {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return acc;
}
const cksum = (acc) => ~fold(acc) & 0xffff;

// ---------------------------------------------------------------------------------------------
// Addresses, hosts, paths

function mac(s) {
  return Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
}
function ip4(s) {
  return Buffer.from(s.split('.').map(Number));
}
function ip6(s) {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
const hex = (n) => n.toString(16);
const BROADCAST = mac('ff:ff:ff:ff:ff:ff');
const ZERO_MAC = mac('00:00:00:00:00:00');

function host(net, m, v4, v6, ll, ttl = 64) {
  return { net, mac: m, ip4: v4, ip6: v6, ll, ttl, port: 32768 + ri(28000) };
}

const lan = { vlan: 0, clients: [], locals: [] };
lan.gw = host(
  lan,
  mac('00:0c:29:aa:bb:01'),
  ip4('192.168.1.1'),
  ip6('2001:db8:1::1'),
  ip6('fe80::20c:29ff:feaa:bb01'),
);
const vnet = { vlan: 20, clients: [], locals: [] };
vnet.gw = host(
  vnet,
  mac('00:0c:29:aa:bb:14'),
  ip4('10.20.0.1'),
  ip6('2001:db8:20::1'),
  ip6('fe80::20c:29ff:feaa:bb14'),
);

function addClient(net, i, v4, prefix) {
  const b = i & 255;
  const hi = net.vlan ? 0x20 : 0x01;
  const c = host(
    net,
    mac(`52:54:00:12:${hex(hi)}:${hex(b)}`),
    ip4(v4),
    ip6(`${prefix}::${hex(0x100 + i)}`),
    ip6(`fe80::5054:ff:fe12:${hex((hi << 8) | b)}`),
  );
  net.clients.push(c);
  return c;
}
const clients = [];
for (let i = 0; i < 190; i++) clients.push(addClient(lan, i, `192.168.1.${10 + i}`, '2001:db8:1'));
for (let i = 0; i < 10; i++) clients.push(addClient(vnet, i, `10.20.0.${10 + i}`, '2001:db8:20'));

// Local HTTP servers (port 8080) on the untagged LAN.
for (let i = 2; i <= 5; i++) {
  const s = host(
    lan,
    mac(`00:16:3e:00:00:0${i}`),
    ip4(`192.168.1.${i}`),
    ip6(`2001:db8:1::${i}`),
    ip6(`fe80::216:3eff:fe00:${i}`),
  );
  s.name = `intranet${i}.corp.example.com`;
  lan.locals.push(s);
}

// Remote servers: name, IPv4, IPv6, the hop limit their packets arrive with.
const FIRST_OCTETS = [23, 31, 45, 52, 93, 104, 142, 151, 172, 185, 203];
const ZONES = ['example.com', 'example.org', 'example.net'];
const LABELS = ['host', 'www', 'cdn', 'api', 'static', 'mail'];
const servers = [];
for (let i = 0; i < 240; i++) {
  const label = i < 120 ? 'host' : pick(LABELS);
  const s = host(
    null,
    null,
    Buffer.from([pick(FIRST_OCTETS), rr(1, 254), rr(0, 255), rr(1, 254)]),
    ip6(`2001:db8:${hex(0x100 + i)}::${hex(rr(1, 0xffff))}`),
    null,
    pick([44, 50, 52, 54, 55, 56, 57, 58, 118, 119, 121, 244]),
  );
  s.name = `${label}${i}.${i < 120 ? 'example.com' : pick(ZONES)}`;
  servers.push(s);
}
const publicDns = [
  host(null, null, ip4('8.8.8.8'), ip6('2001:4860:4860::8888'), null, 119),
  host(null, null, ip4('1.1.1.1'), ip6('2606:4700:4700::1111'), null, 58),
];
const ntpServers = [];
for (let i = 0; i < 4; i++) {
  ntpServers.push(
    host(
      null,
      null,
      Buffer.from([pick(FIRST_OCTETS), rr(1, 254), rr(0, 255), rr(1, 254)]),
      ip6(`2001:db8:123::${i + 1}`),
      null,
      pick([52, 56, 57, 244]),
    ),
  );
}
const routers = [
  ip4('10.255.0.1'),
  ip4('100.64.12.1'),
  ip4('198.51.100.1'),
  ip4('198.51.100.77'),
  ip4('203.0.113.9'),
  ip4('203.0.113.130'),
  ip4('192.0.2.33'),
];

const macFor = (c, peer) => (peer.net === c.net ? peer.mac : c.net.gw.mac);
const ttlFor = (c, peer) => (peer.net === c.net ? 64 : peer.net ? 63 : peer.ttl);

// A path is the L2/L3 context of a conversation; direction 0 is client -> peer, 1 is peer -> client.
function mkPath(c, peer, v6) {
  const a = v6 ? c.ip6 : c.ip4;
  const b = v6 ? peer.ip6 : peer.ip4;
  return {
    vlan: c.net.vlan,
    v6,
    mac: [c.mac, macFor(c, peer)],
    ip: [a, b],
    ttl: [64, ttlFor(c, peer)],
    ipid: [ri(65536), ri(65536)],
    df: true,
    flow: [ri(1 << 20), ri(1 << 20)],
    psum: sum16(a, 0, a.length, 0) + sum16(b, 0, b.length, 0),
  };
}
function repath(p) {
  p.psum = sum16(p.ip[0], 0, p.ip[0].length, 0) + sum16(p.ip[1], 0, p.ip[1].length, 0);
  return p;
}

function nextPort(c) {
  c.port += 1 + ri(4);
  if (c.port > 60999) c.port = 32768 + ri(64);
  return c.port;
}

// ---------------------------------------------------------------------------------------------
// Frame writers: Ethernet (+802.1Q), IPv4/IPv6, TCP, UDP, ICMP, ICMPv6, ARP

function eth(p, d, type) {
  let o = begin(p.vlan ? 64 : 60);
  put(p.mac[1 - d], o);
  put(p.mac[d], o + 6);
  o += 12;
  if (p.vlan) {
    w16(o, 0x8100);
    w16(o + 2, p.vlan);
    o += 4;
  }
  w16(o, type);
  return o + 2;
}

function l3(p, d, proto, l4len) {
  const o = eth(p, d, p.v6 ? 0x86dd : 0x0800);
  lastL3 = o;
  if (p.v6) {
    w32(o, (0x60000000 | p.flow[d]) >>> 0);
    w16(o + 4, l4len);
    ob[o + 6] = proto;
    ob[o + 7] = p.ttl[d];
    put(p.ip[d], o + 8);
    put(p.ip[1 - d], o + 24);
    return o + 40;
  }
  ob[o] = 0x45;
  ob[o + 1] = 0;
  w16(o + 2, 20 + l4len);
  w16(o + 4, p.ipid[d]);
  p.ipid[d] = (p.ipid[d] + 1) & 0xffff;
  w16(o + 6, p.df ? 0x4000 : 0);
  ob[o + 8] = p.ttl[d];
  ob[o + 9] = proto;
  ob[o + 10] = 0;
  ob[o + 11] = 0;
  put(p.ip[d], o + 12);
  put(p.ip[1 - d], o + 16);
  w16(o + 10, cksum(sum16(ob, o, o + 20, 0)));
  return o + 20;
}

function l4sum(p, proto, l4, len, at) {
  let v = cksum(sum16(ob, l4, l4 + len, p.psum + proto + len));
  if (v === 0 && proto === 17) v = 0xffff;
  w16(l4 + at, v);
}

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;

function mkTcp(p, cport, sport) {
  const mss = (p.v6 ? 1440 : 1460) - (p.vlan ? 4 : 0);
  return {
    p,
    port: [cport, sport],
    seq: [u32(), u32()],
    tsBase: [u32(), u32()],
    lastTs: [0, 0],
    mss,
    seg: mss - 12,
    win: [rr(501, 512), rr(501, 512)],
  };
}

// One TCP segment from side d; advances that side's sequence number.
function tcp(t, d, flags, src = null, s = 0, n = 0, bare = false) {
  const p = t.p;
  const syn = flags & SYN;
  const optLen = bare ? 0 : syn ? 20 : 12;
  const hl = 20 + optLen;
  const l4 = l3(p, d, 6, hl + n);
  w16(l4, t.port[d]);
  w16(l4 + 2, t.port[1 - d]);
  w32(l4 + 4, t.seq[d]);
  w32(l4 + 8, flags & ACK ? t.seq[1 - d] : 0);
  ob[l4 + 12] = (hl / 4) << 4;
  ob[l4 + 13] = flags;
  let win = t.win[d];
  if (syn) win = d === 0 ? (p.v6 ? 64800 : 64240) : p.v6 ? 64800 : 65160;
  if (bare) win = 0;
  w16(l4 + 14, win);
  w32(l4 + 16, 0); // checksum, urgent pointer
  const o = l4 + 20;
  const tsval = (t.tsBase[d] + Math.floor(clock / 1000)) >>> 0;
  if (syn) {
    ob[o] = 2;
    ob[o + 1] = 4;
    w16(o + 2, t.mss);
    ob[o + 4] = 4;
    ob[o + 5] = 2;
    ob[o + 6] = 8;
    ob[o + 7] = 10;
    w32(o + 8, tsval);
    w32(o + 12, flags & ACK ? t.lastTs[1 - d] : 0);
    ob[o + 16] = 1;
    ob[o + 17] = 3;
    ob[o + 18] = 3;
    ob[o + 19] = 7;
  } else if (!bare) {
    ob[o] = 1;
    ob[o + 1] = 1;
    ob[o + 2] = 8;
    ob[o + 3] = 10;
    w32(o + 4, tsval);
    w32(o + 8, t.lastTs[1 - d]);
  }
  if (!bare) t.lastTs[d] = tsval;
  if (n) src.copy(ob, l4 + hl, s, s + n);
  l4sum(p, 6, l4, hl + n, 16);
  end(l4 + hl + n);
  t.seq[d] = (t.seq[d] + n + (syn ? 1 : 0) + (flags & FIN ? 1 : 0)) >>> 0;
}

function udp(p, d, ports, src, s = 0, n = src.length) {
  const len = 8 + n;
  const l4 = l3(p, d, 17, len);
  w16(l4, ports[d]);
  w16(l4 + 2, ports[1 - d]);
  w16(l4 + 4, len);
  w16(l4 + 6, 0);
  src.copy(ob, l4 + 8, s, s + n);
  l4sum(p, 17, l4, len, 6);
  end(l4 + len);
}

function icmp(p, d, type, code, rest, data) {
  const len = 8 + data.length;
  const l4 = l3(p, d, p.v6 ? 58 : 1, len);
  ob[l4] = type;
  ob[l4 + 1] = code;
  w16(l4 + 2, 0);
  w32(l4 + 4, rest >>> 0);
  data.copy(ob, l4 + 8);
  if (p.v6) l4sum(p, 58, l4, len, 2);
  else w16(l4 + 2, cksum(sum16(ob, l4, l4 + len, 0)));
  end(l4 + len);
}

function arp(vlan, ethDst, ethSrc, op, sha, spa, tha, tpa) {
  const p = { vlan, mac: [ethSrc, ethDst] };
  let o = eth(p, 0, 0x0806);
  w16(o, 1);
  w16(o + 2, 0x0800);
  ob[o + 4] = 6;
  ob[o + 5] = 4;
  w16(o + 6, op);
  put(sha, o + 8);
  put(spa, o + 14);
  put(tha, o + 18);
  put(tpa, o + 24);
  o += 28;
  end(o);
}

// The IP datagram of the frame just written (copied: the output buffer may be flushed later).
const lastDatagram = () => Buffer.from(ob.subarray(lastL3, lastEnd));

// ---------------------------------------------------------------------------------------------
// Byte-building helpers for application messages

function B(...parts) {
  return Buffer.concat(
    parts.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Array.isArray(x) ? Buffer.from(x) : x)),
  );
}
const be16 = (v) => Buffer.from([(v >>> 8) & 255, v & 255]);
const be32 = (v) => Buffer.from([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
const v8 = (b) => B(b.length, b);
const v16 = (b) => B(be16(b.length), b);
const v24 = (b) => B([(b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255], b);
const ascii = (s) => Buffer.from(s, 'latin1');

// ---------------------------------------------------------------------------------------------
// TCP streams

// Sends msg from side d as MSS-sized segments, the receiver ACKing every second full segment.
// Returns how many segments are still unacknowledged at the end.
function* send(t, d, msg) {
  let off = 0;
  let unacked = 0;
  while (off < msg.length) {
    const n = Math.min(t.seg, msg.length - off);
    const last = off + n >= msg.length;
    tcp(t, d, ACK | (last ? PSH : 0), msg, off, n);
    yield;
    off += n;
    unacked++;
    if (unacked >= 2 && !last) {
      tcp(t, 1 - d, ACK);
      yield;
      unacked = 0;
    }
  }
  return unacked;
}

function* handshake(t) {
  tcp(t, 0, SYN);
  yield;
  tcp(t, 1, SYN | ACK);
  yield;
  tcp(t, 0, ACK);
  yield;
}

function* teardown(t, closer) {
  if (rnd() < 0.12) {
    tcp(t, closer, RST | ACK);
    yield;
    return;
  }
  const other = 1 - closer;
  tcp(t, closer, FIN | ACK);
  yield;
  if (rnd() < 0.5) {
    tcp(t, other, FIN | ACK);
    yield;
  } else {
    tcp(t, other, ACK);
    yield;
    tcp(t, other, FIN | ACK);
    yield;
  }
  tcp(t, closer, ACK);
  yield;
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1

const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'curl/7.88.1',
  'Wget/1.21.3',
  'python-requests/2.31.0',
];

function httpBody(kind, size) {
  if (kind === 'bin') {
    const at = ri(POOL_SIZE - size);
    return pool.subarray(at, at + size);
  }
  if (kind === 'json') {
    const items = [];
    let len = 12;
    for (let i = 1; len < size; i++) {
      const item = `{"id":${i},"name":"item-${i}","value":${ri(100000)},"tags":["${pick(WORDS)}","${pick(WORDS)}"]}`;
      items.push(item);
      len += item.length + 1;
    }
    return ascii(`{"items":[${items.join(',')}]}`);
  }
  if (kind === 'html') {
    if (size <= HTML_TAIL.length + 200) size = HTML_TAIL.length + 200;
    return Buffer.concat([textPool.subarray(0, size - HTML_TAIL.length), HTML_TAIL]);
  }
  const at = ri(textPool.length - size);
  return textPool.subarray(at, at + size);
}

const RESOURCES = [
  [14, () => ['/', 'html', 'text/html; charset=utf-8', rr(600, 9000)]],
  [10, () => [`/news/2024/03/article-${ri(5000)}.html`, 'html', 'text/html; charset=utf-8', rr(1500, 16000)]],
  [12, () => [`/static/css/site.${hex(u32())}.css`, 'text', 'text/css', rr(800, 9000)]],
  [12, () => [`/static/js/app.${hex(u32())}.js`, 'text', 'application/javascript', rr(1000, 20000)]],
  [24, () => [`/api/v1/items?page=${ri(50)}`, 'json', 'application/json', rr(100, 2500)]],
  [10, () => ['/api/v1/status', 'json', 'application/json', rr(60, 200)]],
  [6, () => ['/favicon.ico', '404', 'text/html', 0]],
  [0.7, () => [`/downloads/file-${ri(100)}.bin`, 'bin', 'application/octet-stream', rr(30000, 150000)]],
];

function httpRequest(hostName, res, post, cond, close) {
  let head = `${post ? 'POST' : 'GET'} ${res[0]} HTTP/1.1\r\nHost: ${hostName}\r\nUser-Agent: ${pick(USER_AGENTS)}\r\n`;
  head += 'Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n';
  if (cond) head += 'If-Modified-Since: Wed, 21 Feb 2024 07:28:00 GMT\r\n';
  head += `Connection: ${close ? 'close' : 'keep-alive'}\r\n`;
  if (!post) return ascii(head + '\r\n');
  const body = `name=item-${ri(10000)}&value=${ri(100000)}&note=${pick(WORDS)}+${pick(WORDS)}`;
  head += `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
  return ascii(head + body);
}

function httpResponse(res, post, cond, close) {
  const [, kind, type, size] = res;
  let status = '200 OK';
  let body = null;
  let ctype = type;
  if (post) {
    status = '201 Created';
    body = httpBody('json', rr(40, 300));
    ctype = 'application/json';
  } else if (kind === '404') {
    status = '404 Not Found';
    body = ascii(
      '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    );
  } else if (cond) {
    status = '304 Not Modified';
  } else {
    body = httpBody(kind, size);
  }
  let head = `HTTP/1.1 ${status}\r\nServer: nginx/1.24.0\r\nDate: ${new Date(clock / 1000).toUTCString()}\r\n`;
  if (body) head += `Content-Type: ${ctype}\r\nContent-Length: ${body.length}\r\n`;
  else head += 'ETag: "65d5a4f0-1a2b"\r\n';
  if (kind !== 'json' && body)
    head += 'Last-Modified: Wed, 21 Feb 2024 07:28:00 GMT\r\nCache-Control: max-age=3600\r\n';
  head += `Connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
  return body ? Buffer.concat([ascii(head), body]) : ascii(head);
}

function* httpSession(t, hostName, closer) {
  const n = weighted([
    [50, 1],
    [25, 2],
    [15, 3],
    [10, 5],
  ]);
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const res = weighted(RESOURCES)();
    const post = res[0].startsWith('/api/v1/items') && rnd() < 0.25;
    const cond = !post && (res[1] === 'text' || res[1] === 'html') && rnd() < 0.3;
    const close = last && closer === 1;
    yield* send(t, 0, httpRequest(hostName, res, post, cond, close));
    if (rnd() < 0.3) {
      tcp(t, 1, ACK);
      yield;
    }
    const unacked = yield* send(t, 1, httpResponse(res, post, cond, close));
    if (unacked && (last || rnd() < 0.5)) {
      tcp(t, 0, ACK);
      yield;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// TLS 1.3

const CIPHER_SUITES = [
  0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8,
  0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35,
];
const ext = (type, body) => B(be16(type), v16(body));

function clientHello(sni, sessionId) {
  const exts = [
    ext(0x0000, v16(B(0, v16(ascii(sni))))), // server_name
    ext(0x0017, B()), // extended_master_secret
    ext(0xff01, B(0)), // renegotiation_info
    ext(0x000a, v16(B([0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19]))), // supported_groups
    ext(0x000b, v8(B(0))), // ec_point_formats
    ext(0x0023, B()), // session_ticket
    ext(0x0010, v16(B(v8(ascii('h2')), v8(ascii('http/1.1'))))), // ALPN
    ext(0x0005, B([1, 0, 0, 0, 0])), // status_request
    ext(0x000d, v16(B([4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1]))), // signature_algorithms
    ext(0x0012, B()), // signed_certificate_timestamp
    ext(0x0033, v16(B([0x00, 0x1d], v16(randBytes(32))))), // key_share (x25519)
    ext(0x002d, v8(B(1))), // psk_key_exchange_modes
    ext(0x002b, v8(B([3, 4, 3, 3]))), // supported_versions
  ];
  let extBytes = B(...exts);
  if (rnd() < 0.5) {
    // Chrome-style padding extension up to a 512-byte ClientHello body.
    const bodyLen = 2 + 32 + 33 + 2 + CIPHER_SUITES.length + 2 + 2 + extBytes.length;
    const pad = Math.max(0, 508 - bodyLen - 4);
    extBytes = B(extBytes, ext(0x0015, Buffer.alloc(pad)));
  }
  const body = B([3, 3], randBytes(32), v8(sessionId), v16(B(CIPHER_SUITES)), v8(B(0)), v16(extBytes));
  return B([0x16, 3, 1], v16(B(1, v24(body))));
}

function serverHello(sessionId) {
  const exts = B(ext(0x002b, B([3, 4])), ext(0x0033, B([0x00, 0x1d], v16(randBytes(32)))));
  const body = B([3, 3], randBytes(32), v8(sessionId), [0x13, 0x01], 0, v16(exts));
  return B([0x16, 3, 3], v16(B(2, v24(body))));
}

const CCS = Buffer.from([0x14, 3, 3, 0, 1, 1]);

// Application data records carrying `plain` bytes (ciphertext = plaintext + 1 type byte + 16 tag).
function appData(plain) {
  const lens = [];
  for (let left = plain; left > 0; left -= 16384) lens.push(Math.min(16384, left) + 17);
  if (lens.length === 0) lens.push(17 + 1);
  let totalLen = 0;
  for (const l of lens) totalLen += 5 + l;
  const out = Buffer.allocUnsafe(totalLen);
  const at = ri(POOL_SIZE - Math.min(totalLen, POOL_SIZE));
  pool.copy(out, 0, at, at + totalLen);
  let o = 0;
  for (const l of lens) {
    out[o] = 0x17;
    out[o + 1] = 3;
    out[o + 2] = 3;
    out.writeUInt16BE(l, o + 3);
    o += 5 + l;
  }
  return out;
}

function* tlsSession(t, sni, closer) {
  const sessionId = Buffer.from(randBytes(32));
  yield* send(t, 0, clientHello(sni, sessionId));
  if (rnd() < 0.5) {
    tcp(t, 1, ACK);
    yield;
  }
  // ServerHello, ChangeCipherSpec, then EncryptedExtensions / Certificate / CertificateVerify /
  // Finished as encrypted records.
  const flight = B(
    serverHello(sessionId),
    CCS,
    appData(rr(20, 40)),
    appData(rr(1800, 4200)),
    appData(264),
    appData(36),
  );
  yield* send(t, 1, flight);
  yield* send(t, 0, B(CCS, appData(36)));
  yield* send(t, 1, B(appData(rr(180, 250)), appData(rr(180, 250)))); // NewSessionTickets
  const n = weighted([
    [45, 1],
    [25, 2],
    [20, 4],
    [10, 8],
  ]);
  for (let i = 0; i < n; i++) {
    yield* send(t, 0, appData(rr(60, 700)));
    if (rnd() < 0.25) {
      tcp(t, 1, ACK);
      yield;
    }
    const res = weighted(RESOURCES)();
    const unacked = yield* send(t, 1, appData(res[1] === '404' ? rr(120, 200) : res[3]));
    if (unacked && (i === n - 1 || rnd() < 0.5)) {
      tcp(t, 0, ACK);
      yield;
    }
  }
  if (rnd() < 0.7) {
    const un = yield* send(t, closer, appData(2)); // close_notify alert, encrypted
    if (un && rnd() < 0.5) {
      tcp(t, 1 - closer, ACK);
      yield;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// DNS

// DNS messages are built in a scratch buffer and copied into the frame at once, so a message
// returned by dnsQuery/dnsResponse is valid only until the next one is built.
const scratch = Buffer.allocUnsafe(4096);
let sp = 0;
function s16(v) {
  scratch[sp] = v >>> 8;
  scratch[sp + 1] = v;
  sp += 2;
}
function s32(v) {
  s16(v >>> 16);
  s16(v & 0xffff);
}
function sBytes(b) {
  for (let i = 0; i < b.length; i++) scratch[sp + i] = b[i];
  sp += b.length;
}

const names = new Map();
function encName(name) {
  let b = names.get(name);
  if (!b) {
    const parts = [];
    for (const label of name.split('.')) parts.push(Buffer.from([label.length]), ascii(label));
    parts.push(Buffer.from([0]));
    b = Buffer.concat(parts);
    if (names.size < 100000) names.set(name, b);
  }
  return b;
}
const OPT_RR = Buffer.from([0, 0x00, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]); // EDNS0, 1232-byte UDP payload
const NS1 = Buffer.from('\x03ns1', 'latin1');
const HOSTMASTER = Buffer.from('\x0ahostmaster', 'latin1');

function dnsHeader(id, flags, an, ns, ar) {
  sp = 0;
  s16(id);
  s16(flags);
  s16(1);
  s16(an);
  s16(ns);
  s16(ar);
}

function dnsQuery(id, name, qtype, edns) {
  dnsHeader(id, 0x0100, 0, 0, edns ? 1 : 0);
  sBytes(encName(name));
  s16(qtype);
  s16(1);
  if (edns) sBytes(OPT_RR);
  return scratch.subarray(0, sp);
}

// answers: address Buffers (4 bytes for A, 16 for AAAA). cname: label of a CNAME target in the zone.
function dnsResponse(id, name, qtype, answers, cname, nx, edns) {
  const q = encName(name);
  const zoneOff = 12 + 1 + q[0]; // "example.com" inside the question name
  const an = nx ? 0 : answers.length + (cname ? 1 : 0);
  dnsHeader(id, nx ? 0x8183 : 0x8180, an, nx ? 1 : 0, edns ? 1 : 0);
  sBytes(q);
  s16(qtype);
  s16(1);
  const rrHead = (owner, type, ttl) => {
    s16(0xc000 | owner);
    s16(type);
    s16(1);
    s32(ttl);
    sp += 2; // rdlength, filled by rdEnd
    return sp;
  };
  const rdEnd = (at) => scratch.writeUInt16BE(sp - at, at - 2);
  if (nx) {
    const at = rrHead(zoneOff, 6, 900);
    sBytes(NS1);
    s16(0xc000 | zoneOff);
    sBytes(HOSTMASTER);
    s16(0xc000 | zoneOff);
    for (const v of [2024030101, 7200, 3600, 1209600, 300]) s32(v);
    rdEnd(at);
  } else {
    let owner = 12;
    if (cname) {
      const at = rrHead(owner, 5, 300);
      scratch[sp++] = cname.length;
      sBytes(ascii(cname));
      s16(0xc000 | zoneOff);
      rdEnd(at);
      owner = at;
    }
    for (const addr of answers) {
      const at = rrHead(owner, qtype, rr(60, 3600));
      sBytes(addr);
      rdEnd(at);
    }
  }
  if (edns) sBytes(OPT_RR);
  return scratch.subarray(0, sp);
}

function resolverFor(c) {
  return rnd() < 0.85 ? c.net.gw : pick(publicDns);
}

// One lookup (A, AAAA or both in parallel from one socket, as glibc does).
function* dnsLookup(c, v6, name, qtypes, target, nx) {
  const p = mkPath(c, resolverFor(c), v6);
  p.df = rnd() < 0.5;
  const ports = [nextPort(c), 53];
  const edns = rnd() < 0.6;
  const cname = !nx && rnd() < 0.2 ? `edge${ri(64)}` : null;
  const ids = qtypes.map(() => ri(65536));
  for (let i = 0; i < qtypes.length; i++) {
    udp(p, 0, ports, dnsQuery(ids[i], name, qtypes[i], edns));
    yield;
  }
  const order = qtypes.length > 1 && rnd() < 0.5 ? [1, 0] : [0, 1].slice(0, qtypes.length);
  for (const i of order) {
    const qtype = qtypes[i];
    const answers = [];
    if (!nx) {
      if (qtype === 1) {
        answers.push(target.ip4);
        if (rnd() < 0.3)
          answers.push(Buffer.from([target.ip4[0], target.ip4[1], target.ip4[2], (target.ip4[3] + 1) & 255]));
      } else {
        answers.push(target.ip6);
      }
    }
    udp(p, 1, ports, dnsResponse(ids[i], name, qtype, answers, cname, nx, edns));
    yield;
  }
}

function* dnsConv(c, v6) {
  const nx = rnd() < 0.06;
  const target = rnd() < 0.1 ? pick(lan.locals) : pick(servers);
  const name = nx ? `nohost${ri(100000)}.${pick(ZONES)}` : target.name;
  const qtypes = rnd() < 0.35 ? [1, 28] : rnd() < 0.8 ? [1] : [28];
  yield* dnsLookup(c, v6, name, qtypes, target, nx);
}

// ---------------------------------------------------------------------------------------------
// Conversations

function* tcpConv(kind, v6) {
  const c = pick(clients);
  const local = kind === 'http' && rnd() < 0.2;
  const server = local ? pick(lan.locals) : pick(servers);
  const port = kind === 'tls' ? 443 : local ? 8080 : 80;
  if (rnd() < 0.3) yield* dnsLookup(c, v6 && rnd() < 0.5, server.name, [v6 ? 28 : 1], server, false);
  const t = mkTcp(mkPath(c, server, v6), nextPort(c), port);
  if (local && rnd() < 0.05) {
    // Connection refused.
    tcp(t, 0, SYN);
    yield;
    t.seq[1] = 0;
    tcp(t, 1, RST | ACK, null, 0, 0, true);
    yield;
    return;
  }
  yield* handshake(t);
  const closer = rnd() < 0.25 ? 1 : 0;
  if (kind === 'tls') yield* tlsSession(t, server.name, closer);
  else yield* httpSession(t, server.name, closer);
  yield* teardown(t, closer);
}

function ntpTimestamp(us) {
  const sec = Math.floor(us / 1e6);
  const frac = Math.floor(((us - sec * 1e6) / 1e6) * 4294967296) >>> 0;
  return B(be32((sec + 2208988800) >>> 0), be32(frac));
}

function* ntpConv() {
  const c = pick(clients);
  const srv = pick(ntpServers);
  const p = mkPath(c, srv, false);
  const ports = [rnd() < 0.5 ? 123 : nextPort(c), 123];
  const n = weighted([
    [60, 1],
    [40, 4],
  ]);
  const refid = Buffer.from([pick(FIRST_OCTETS), rr(1, 254), rr(0, 255), rr(1, 254)]);
  for (let i = 0; i < n; i++) {
    const sent = ntpTimestamp(clock);
    udp(p, 0, ports, B([0x23, 0, 6, 0xe9], Buffer.alloc(12), Buffer.alloc(24), sent));
    yield;
    const head = B([0x24, 2, 6, 0xe7], be32(rr(0x100, 0x900)), be32(rr(0x20, 0x600)), refid);
    udp(
      p,
      1,
      ports,
      B(
        head,
        ntpTimestamp(clock - rr(10, 900) * 1e6),
        sent,
        ntpTimestamp(clock - 40),
        ntpTimestamp(clock - 25),
      ),
    );
    yield;
  }
}

function pingData(v6) {
  const sec = Math.floor(clock / 1e6);
  const b = Buffer.alloc(56);
  if (!v6) {
    b.writeUInt32LE(sec, 0);
    b.writeUInt32LE(clock - sec * 1e6, 8);
  }
  for (let i = 16; i < 56; i++) b[i] = i;
  return b;
}

function* pingConv(v6) {
  const c = pick(clients);
  const peer = rnd() < 0.3 ? c.net.gw : rnd() < 0.2 ? pick(lan.locals) : pick(servers);
  const p = mkPath(c, peer, v6);
  if (!v6) p.df = true;
  const id = ri(65536);
  const n = rr(1, 5);
  for (let seq = 1; seq <= n; seq++) {
    const data = pingData(v6);
    icmp(p, 0, v6 ? 128 : 8, 0, (id << 16) | seq, data);
    yield;
    icmp(p, 1, v6 ? 129 : 0, 0, (id << 16) | seq, data);
    yield;
  }
}

// A UDP datagram nobody listens for, answered by ICMP destination unreachable (port or host).
function* unreachableConv() {
  const c = pick(clients);
  const hostUnreach = rnd() < 0.3;
  const peer = hostUnreach
    ? host(null, null, Buffer.from([198, 51, 100, rr(100, 250)]), null, null, 64)
    : pick(c.net === lan ? [...lan.locals, ...lan.clients] : vnet.clients);
  if (peer === c) return;
  const p = mkPath(c, peer, false);
  p.df = false;
  const ports = [nextPort(c), 53];
  udp(p, 0, ports, dnsQuery(ri(65536), pick(servers).name, 1, false));
  const quoted = lastDatagram();
  yield;
  if (hostUnreach) {
    const rp = mkPath(c, c.net.gw, false);
    rp.df = false;
    rp.ttl[1] = 64;
    icmp(rp, 1, 3, 1, 0, quoted);
  } else {
    icmp(p, 1, 3, 3, 0, quoted);
  }
  yield;
}

// Linux-style UDP traceroute: time exceeded from each hop, port unreachable from the target.
function* tracerouteConv() {
  const c = pick(clients);
  const target = pick(servers);
  const hops = rr(3, routers.length + 1);
  const p = mkPath(c, target, false);
  p.df = false;
  const sport = nextPort(c);
  const data = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) data[i] = 0x40 + i;
  for (let h = 1; h <= hops; h++) {
    p.ttl[0] = h;
    udp(p, 0, [sport, 33433 + h], data);
    const quoted = lastDatagram();
    yield;
    if (h < hops) {
      const rp = mkPath(c, h === 1 ? c.net.gw : c.net.gw, false);
      if (h > 1) rp.ip[1] = routers[h - 2];
      repath(rp);
      rp.df = false;
      rp.ttl[1] = 65 - h;
      icmp(rp, 1, 11, 0, 0, quoted);
    } else {
      icmp(p, 1, 3, 3, 0, quoted);
    }
    yield;
  }
}

function* arpConv() {
  const c = pick(clients);
  const net = c.net;
  if (rnd() < 0.1) {
    arp(net.vlan, BROADCAST, c.mac, 1, c.mac, c.ip4, ZERO_MAC, c.ip4); // gratuitous
    yield;
    return;
  }
  const target = rnd() < 0.5 ? net.gw : pick([...net.locals, ...net.clients]);
  if (target === c) return;
  arp(net.vlan, BROADCAST, c.mac, 1, c.mac, c.ip4, ZERO_MAC, target.ip4);
  yield;
  arp(net.vlan, c.mac, target.mac, 2, target.mac, target.ip4, c.mac, c.ip4);
  yield;
}

function* ndpConv() {
  const c = pick(clients);
  const net = c.net;
  const target = rnd() < 0.5 ? net.gw : pick([...net.locals, ...net.clients]);
  if (target === c) return;
  const tip = target.ll;
  const group = ip6(`ff02::1:ff${hex(tip[13])}:${hex((tip[14] << 8) | tip[15])}`);
  const p = {
    vlan: net.vlan,
    v6: true,
    mac: [c.mac, Buffer.from([0x33, 0x33, 0xff, tip[13], tip[14], tip[15]])],
    ip: [c.ll, group],
    ttl: [255, 255],
    flow: [0, 0],
    psum: 0,
  };
  repath(p);
  icmp(p, 0, 135, 0, 0, B(tip, [1, 1], c.mac));
  yield;
  p.mac[1] = target.mac;
  p.ip[1] = tip;
  repath(p);
  const flags = target === net.gw ? 0xe0000000 : 0x60000000; // (Router,) Solicited, Override
  icmp(p, 1, 136, 0, flags, B(tip, [2, 1], target.mac));
  yield;
}

const MIX = [
  [5.5, () => tcpConv('http', false)],
  [6, () => tcpConv('tls', false)],
  [0.8, () => tcpConv('http', true)],
  [1.5, () => tcpConv('tls', true)],
  [75, () => dnsConv(pick(clients), false)],
  [15, () => dnsConv(pick(clients), true)],
  [9, () => ntpConv()],
  [12, () => pingConv(false)],
  [3, () => pingConv(true)],
  [3, () => unreachableConv()],
  [0.8, () => tracerouteConv()],
  [18, () => arpConv()],
  [9, () => ndpConv()],
];

// ---------------------------------------------------------------------------------------------
// Main loop: ACTIVE conversations at a time, a random one advances by one packet per step.

const t0 = process.hrtime.bigint();
const ACTIVE = 48;
const active = [];
for (let i = 0; i < ACTIVE; i++) active.push(weighted(MIX)());
while (emitted < total) {
  const i = ri(ACTIVE);
  const before = emitted;
  if (active[i].next().done) active[i] = weighted(MIX)();
  if (emitted - before > 1) throw new Error('internal: a conversation wrote two packets in one step');
}
flush();
fs.closeSync(fd);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.error(
  `gen-pcap: wrote ${outPath}: ${emitted} packets, ${bytesOut} frame bytes ` +
    `(avg ${(bytesOut / Math.max(1, emitted)).toFixed(1)} B/packet), seed ${seed}, ${secs.toFixed(2)} s`,
);
