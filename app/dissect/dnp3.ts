// DNP 3.0 on TCP and UDP 20000 (`dnp3.*`) as tshark 4.0 decodes it: the data link header and its
// CRC, the transport octet, the user data chunks with their CRCs (checked, then stripped into a
// new data source), application fragments reassembled across frames by the transport FIR/FIN bits,
// and the application header, internal indications and object headers with their qualifiers.
// Point values are not decoded yet: the object list stops at the first object that carries any.
import { addChecksum, dnp3Crc, type ChecksumFields } from './checksum.ts';
import { bool, bytes, fields, FieldType, hex, names, proto, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { FragmentTable } from './reassembly.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import { Tvb } from './tvb.ts';

const PORT = 20000;

const PRI_FUNC = names({
  0: 'Reset of Remote Link',
  1: 'Reset of User Process',
  2: 'Test Function For Link',
  3: 'User Data',
  4: 'Unconfirmed User Data',
  9: 'Request Link Status',
});
const SEC_FUNC = names({
  0: 'ACK',
  1: 'NACK',
  11: 'Status of Link',
  14: 'Link Service Not Functioning',
  15: 'Link Service Not Used or Implemented',
});
const AL_FUNC = names({
  0: 'Confirm',
  1: 'Read',
  2: 'Write',
  3: 'Select',
  4: 'Operate',
  5: 'Direct Operate',
  6: 'Direct Operate No Ack',
  7: 'Immediate Freeze',
  8: 'Immediate Freeze No Ack',
  9: 'Freeze and Clear',
  10: 'Freeze and Clear No ACK',
  11: 'Freeze With Time',
  12: 'Freeze With Time No ACK',
  13: 'Cold Restart',
  14: 'Warm Restart',
  15: 'Initialize Data',
  16: 'Initialize Application',
  17: 'Start Application',
  18: 'Stop Application',
  19: 'Save Configuration',
  20: 'Enable Spontaneous Msg',
  21: 'Disable Spontaneous Msg',
  22: 'Assign Classes',
  23: 'Delay Measurement',
  24: 'Record Current Time',
  25: 'Open File',
  26: 'Close File',
  27: 'Delete File',
  28: 'Get File Info',
  29: 'Authenticate File',
  30: 'Abort File',
  31: 'Activate Config',
  32: 'Authentication Request',
  33: 'Authentication Error',
  129: 'Response',
  130: 'Unsolicited Response',
  131: 'Authentication Response',
});

const IIN = [
  ['rst', 'Device Restart'],
  ['dt', 'Device Trouble'],
  ['dol', 'Digital Outputs in Local'],
  ['tsr', 'Time Sync Required'],
  ['cls3d', 'Class 3 Data Available'],
  ['cls2d', 'Class 2 Data Available'],
  ['cls1d', 'Class 1 Data Available'],
  ['bmsg', 'Broadcast Msg Rx'],
  ['cc', 'Configuration Corrupt'],
  ['oae', 'Operation Already Executing'],
  ['ebo', 'Event Buffer Overflow'],
  ['pioor', 'Parameters Invalid or Out of Range'],
  ['obju', 'Requested Objects Unknown'],
  ['fcni', 'Function Code not implemented'],
] as const;
/** The IIN bits in tree order (bits 14 and 15 of the second octet are reserved and not shown). */
const IIN_MASKS = [
  0x8000, 0x4000, 0x2000, 0x1000, 0x0800, 0x0400, 0x0200, 0x0100, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01,
];

const PREFIX = names({
  0: 'None',
  1: '1-Octet Index Prefix',
  2: '2-Octet Index Prefix',
  3: '4-Octet Index Prefix',
  4: '1-Octet Object Size Prefix',
  5: '2-Octet Object Size Prefix',
  6: '4-Octet Object Size Prefix',
});
const RANGE = names({
  0: '8-bit Start and Stop Indices',
  1: '16-bit Start and Stop Indices',
  2: '32-bit Start and Stop Indices',
  3: '8-bit Absolute Address in Range Field',
  4: '16-bit Absolute Address in Range Field',
  5: '32-bit Absolute Address in Range Field',
  6: 'No Range Field',
  7: '8-bit Single Field Quantity',
  8: '16-bit Single Field Quantity',
  9: '32-bit Single Field Quantity',
  11: 'Free-format Qualifier, range field has 1 octet count of objects',
});

/** Object names by group and variation (`Object(s): …`), for the groups Trawl decodes. */
const OBJECTS = names({
  0x0100: 'Binary Input Default Variation',
  0x0101: 'Single-Bit Binary Input',
  0x0102: 'Binary Input With Status',
  0x0200: 'Binary Input Change Default Variation',
  0x0201: 'Binary Input Change Without Time',
  0x0202: 'Binary Input Change With Time',
  0x0a02: 'Binary Output Status',
  0x0c01: 'Control Relay Output Block',
  0x1400: 'Binary Counter Default Variation',
  0x1401: '32-Bit Binary Counter',
  0x1402: '16-Bit Binary Counter',
  0x1405: '32-Bit Binary Counter Without Flag',
  0x1406: '16-Bit Binary Counter Without Flag',
  0x1e00: 'Analog Input Default Variation',
  0x1e01: '32-Bit Analog Input',
  0x1e02: '16-Bit Analog Input',
  0x1e03: '32-Bit Analog Input Without Flag',
  0x1e04: '16-Bit Analog Input Without Flag',
  0x2000: 'Analog Input Change Default Variation',
  0x2001: '32-Bit Analog Change Event w/o Time',
  0x2002: '16-Bit Analog Change Event w/o Time',
  0x3201: 'Time and Date',
  0x3c01: 'Class 0 Data',
  0x3c02: 'Class 1 Data',
  0x3c03: 'Class 2 Data',
  0x3c04: 'Class 3 Data',
  0x5001: 'Internal Indications',
});
/** The group names a Read request lists in Info (group 12 is tshark's "Unknown Object Type"). */
const READ_INFO = names({
  1: 'Binary Input',
  2: 'Binary Input Change',
  10: 'Binary Output',
  12: 'Unknown Object Type',
  20: 'Counter',
  30: 'Analog Input',
  32: 'Analog Input Change',
  50: 'Time and Date',
  80: 'Internal Indications',
});

export const F = fields('dnp3', {
  '': proto('Distributed Network Protocol 3.0'),
  _dl: text('Data Link Layer'),
  start: hex('Start Bytes', 16),
  len: uint('Length', 8),
  ctl: hex('Control', 8),
  'ctl.prifunc': uint('Control Function Code', 8, { mask: 0x0f, strings: PRI_FUNC }),
  'ctl.secfunc': uint('Control Function Code', 8, { mask: 0x0f, strings: SEC_FUNC }),
  'ctl.dir': bool('Direction', 8, 0x80),
  'ctl.prm': bool('Primary', 8, 0x40),
  'ctl.fcb': bool('Frame Count Bit', 8, 0x20),
  'ctl.fcv': bool('Frame Count Valid', 8, 0x10),
  'ctl.dfc': bool('Data Flow Control', 8, 0x10),
  dst: uint('Destination', 16),
  addr: uint('Address', 16, { hidden: true }),
  src: uint('Source', 16),
  'hdr.CRC': hex('Data Link Header checksum', 16),
  'tr.ctl': hex('Transport Control', 8),
  'tr.fin': bool('Final', 8, 0x80),
  'tr.fir': bool('First', 8, 0x40),
  'tr.seq': uint('Sequence', 8, { mask: 0x3f }),
  _chunks: text('Data Chunks'),
  _chunk: text('Data Chunk'),
  'al.frag_data': bytes('DNP3.0 AL Fragment Data'),
  'al.fragments': text('DNP 3.0 AL Fragments'),
  'al.fragment': { name: 'DNP 3.0 AL Fragment', type: FieldType.FrameNum },
  'al.fragment.count': uint('Fragment count', 32),
  'al.fragment.reassembled.length': uint('Reassembled DNP length', 32, { generated: true }),
  _al: text('Application Layer'),
  'al.ctl': hex('Application Control', 8),
  'al.fir': bool('First', 8, 0x80),
  'al.fin': bool('Final', 8, 0x40),
  'al.con': bool('Confirm', 8, 0x20),
  'al.uns': bool('Unsolicited', 8, 0x10),
  'al.seq': uint('Sequence', 8, { mask: 0x0f }),
  'al.func': uint('Function Code', 8, { strings: AL_FUNC }),
  'al.iin': hex('Internal Indications', 16),
  ...(Object.fromEntries(
    IIN.map(([k, name], i) => [`al.iin.${k}`, bool(name, 16, IIN_MASKS[i] as number)]),
  ) as Record<`al.iin.${(typeof IIN)[number][0]}`, ReturnType<typeof bool>>),
  _objects: text('Data Objects'),
  'al.obj': hex('Object', 16),
  _qualifier: text('Qualifier Field'),
  'al.objq.prefix': uint('Prefix Code', 8, { mask: 0x70, strings: PREFIX }),
  'al.objq.range': uint('Range Code', 8, { mask: 0x0f, strings: RANGE }),
  _items: text('Number of Items'),
  'al.range.start': uint('Start (8 bit)', 8),
  'al.range.stop': uint('Stop (8 bit)', 8),
  'al.range.quantity': uint('Quantity (8 bit)', 8),
});

/** The checksum fields Wireshark registers under `dnp.` rather than `dnp3.`. */
const G = fields('dnp', {
  'hdr.CRC.status': uint('Data Link Header Checksum Status', 8, { generated: true }),
  data_chunk: bytes('Data Chunk'),
  data_chunk_len: uint('Data Chunk length', 16, { generated: true }),
  'data_chunk.CRC': hex('Data Chunk checksum', 16),
  'data_chunk.CRC.status': uint('Data Chunk Checksum Status', 8, { generated: true }),
});

const HDR_CRC: ChecksumFields = { checksum: F['hdr.CRC'], status: G['hdr.CRC.status'] };
const CHUNK_CRC: ChecksumFields = { checksum: G['data_chunk.CRC'], status: G['data_chunk.CRC.status'] };

/** A data link frame's whole length: the header, the user data and a CRC per 16 bytes of it. */
function frameLength(tvb: Tvb, at: number): number {
  const user = tvb.u8(at + 2) - 5;
  return 10 + Math.max(0, user) + 2 * Math.ceil(Math.max(0, user) / 16);
}

const PDUS: PduSpec = { fixed: 10, length: frameLength, dissect: frame, name: 'DNP 3.0' };

export function dissectDnp3(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Wireshark's check before it claims the bytes: the start bytes and a length of at least 5.
  if (!tvb.has(o, 3) || tvb.u16(o) !== 0x0564 || tvb.u8(o + 2) < 5) return 0;
  pinfo.layers.push('dnp3');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

function dissectDnp3Udp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 3) || tvb.u16(o) !== 0x0564 || tvb.u8(o + 2) < 5) return 0;
  pinfo.layers.push('dnp3');
  frame(tvb, pinfo, tree);
  return tvb.remaining(o);
}

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

function badCrc(what: string) {
  return (should: string) => ({
    severity: 'Warning' as const,
    message: `${what} Checksum incorrect [should be ${should}]`,
  });
}

function frame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('DNP 3.0');
  const len = tvb.u8(o + 2);
  const ctl = tvb.u8(o + 3);
  const prm = (ctl & 0x40) !== 0;
  const func = ctl & 0x0f;
  const funcName = (prm ? PRI_FUNC : SEC_FUNC).get(func) ?? `Unknown function (${hex2(func)})`;
  let flags = '';
  if (ctl & 0x80) flags += 'DIR, ';
  if (prm) flags += 'PRM, ';
  if (prm && ctl & 0x20) flags += 'FCB, ';
  if (prm && ctl & 0x10) flags += 'FCV, ';
  if (!prm && ctl & 0x20) flags += 'RES, ';
  if (!prm && ctl & 0x10) flags += 'DFC, ';
  tree.push(F[''], tvb, o, tvb.reportedRemaining(o));
  const dst = tvb.u16le(o + 4);
  const src = tvb.u16le(o + 6);
  if (pinfo.wantInfo) pinfo.setInfo(`from ${src} to ${dst}, len=${len}, ${funcName}`);
  tree.push(F._dl, tvb, o, 10);
  if (tree.full) tree.label(`Data Link Layer, Len: ${len}, From: ${src}, To: ${dst}, ${flags}${funcName}`);
  tree.add(F.start, tvb, o, 2, 0x0564);
  tree.add(F.len, tvb, o + 2, 1, len);
  tree.push(F.ctl, tvb, o + 3, 1, ctl);
  if (tree.full) tree.label(`Control: ${hex2(ctl)} (${flags}${funcName})`);
  tree.add(F['ctl.dir'], tvb, o + 3, 1, (ctl & 0x80) !== 0);
  tree.add(F['ctl.prm'], tvb, o + 3, 1, prm);
  if (prm) {
    tree.add(F['ctl.fcb'], tvb, o + 3, 1, (ctl & 0x20) !== 0);
    tree.add(F['ctl.fcv'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.prifunc'], tvb, o + 3, 1, func);
  } else {
    tree.add(F['ctl.dfc'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.secfunc'], tvb, o + 3, 1, func);
  }
  tree.pop();
  tree.add(F.dst, tvb, o + 4, 2, dst);
  tree.add(F.addr, tvb, o + 4, 2, dst);
  tree.add(F.src, tvb, o + 6, 2, src);
  tree.add(F.addr, tvb, o + 6, 2, src);
  const stored = tvb.u16le(o + 8);
  addChecksum(pinfo, tree, tvb, o + 8, stored, dnp3Crc(tvb.bytes, o, 8), HDR_CRC, badCrc('Data Link Header'));
  tree.pop();
  if (prm && (func === 3 || func === 4) && len > 5) userData(tvb, pinfo, tree, o + 10, len - 5, src, dst);
  tree.pop();
}

/** The transport octet, the data chunks and, when a fragment completes a message, the application layer. */
function userData(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  n: number,
  src: number,
  dst: number,
): void {
  const tr = tvb.u8(at);
  const fin = (tr & 0x80) !== 0;
  const fir = (tr & 0x40) !== 0;
  const seq = tr & 0x3f;
  tree.push(F['tr.ctl'], tvb, at, 1, tr);
  if (tree.full) {
    const words = `${fin ? ', Final' : ''}${fir ? ', First' : ''}`;
    tree.label(
      `Transport Control: ${hex2(tr)}${words}(${fir ? 'FIR, ' : ''}${fin ? 'FIN, ' : ''}Sequence ${seq})`,
    );
  }
  tree.add(F['tr.fin'], tvb, at, 1, fin);
  tree.add(F['tr.fir'], tvb, at, 1, fir);
  tree.add(F['tr.seq'], tvb, at, 1, seq);
  tree.pop();
  const chunks = Math.ceil(n / 16);
  const out = new Uint8Array(n);
  tree.push(F._chunks, tvb, at, n + 2 * chunks);
  let o = at;
  let good = true;
  for (let i = 0; i < chunks; i++) {
    const k = Math.min(16, n - i * 16);
    tree.push(F._chunk, tvb, o, k + 2);
    if (tree.full) tree.label(`Data Chunk: ${i}`);
    const data = tvb.slice(o, k);
    out.set(data, i * 16);
    tree.add(G.data_chunk, tvb, o, k);
    tree.add(G.data_chunk_len, tvb, o, 0, k);
    const stored = tvb.u16le(o + k);
    const should = dnp3Crc(tvb.bytes, o, k);
    addChecksum(pinfo, tree, tvb, o + k, stored, should, CHUNK_CRC, badCrc('Data Chunk'));
    tree.pop();
    o += k + 2;
    if (stored !== should) {
      good = false;
      break;
    }
  }
  tree.pop();
  // Wireshark drops the message when any chunk's CRC is wrong.
  if (!good) return;
  const fragment = out.subarray(1);
  const whole = reassemble(pinfo, `${src}>${dst}`, fir, fin, fragment);
  if (!whole) {
    const source = pinfo.addSource('DNP 3.0 Application Layer message', fragment.slice());
    const data = new Tvb(fragment, 0, fragment.length, fragment.length, source);
    tree.add(F['al.frag_data'], data, 0, fragment.length);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (Application Layer Unreassembled fragment ${seq})`);
    return;
  }
  const source = pinfo.addSource('Reassembled DNP 3.0 Application Layer message', whole.data);
  const data = new Tvb(whole.data, 0, whole.data.length, whole.data.length, source);
  const total = whole.data.length;
  const count = whole.fragments.length;
  tree.push(F['al.fragments'], data, 0, total);
  if (tree.full) {
    const list = whole.fragments.map((f) => `#${f.frame}(${f.length})`).join(', ');
    tree.label(`[${count} DNP 3.0 AL Fragment${count === 1 ? '' : 's'} (${total} bytes): ${list}]`);
  }
  let off = 0;
  for (const f of whole.fragments) {
    tree.add(F['al.fragment'], data, off, f.length, f.frame);
    if (tree.full)
      tree.labelLast(`[Frame: ${f.frame}, payload: ${off}-${off + f.length - 1} (${f.length} bytes)]`);
    off += f.length;
  }
  tree.add(F['al.fragment.count'], data, 0, 0, count);
  if (tree.full) tree.labelLast(`[Fragment count: ${count}]`);
  tree.add(F['al.fragment.reassembled.length'], data, 0, 0, total);
  tree.pop();
  application(data, pinfo, tree);
}

interface Pending {
  next: number;
  length: number;
  message: number;
}

interface DnpState {
  table: FragmentTable;
  /** Per direction, the message in progress: its id, the next fragment's offset. */
  open: Map<string, Pending>;
  /** Per frame, the message and offset its fragment was given on the first pass. */
  frames: Map<number, { key: string; offset: number }>;
  messages: number;
}

/** Adds this transport segment's fragment; returns the message when this frame completes it. */
function reassemble(pinfo: PacketInfo, dir: string, fir: boolean, fin: boolean, bytes: Uint8Array) {
  const st = pinfo.state.of<DnpState>('dnp3.fragments', () => ({
    table: new FragmentTable(),
    open: new Map(),
    frames: new Map(),
    messages: 0,
  }));
  const frame = pinfo.meta.number;
  let placed = st.frames.get(frame);
  if (!placed) {
    let cur = st.open.get(dir);
    if (fir || !cur) {
      cur = { next: 0, length: 0, message: ++st.messages };
      st.open.set(dir, cur);
    }
    placed = { key: `${dir}#${cur.message}`, offset: cur.next };
    cur.next += bytes.length;
    if (fin) st.open.delete(dir);
    st.frames.set(frame, placed);
  }
  return st.table.add(placed.key, frame, placed.offset, bytes, !fin);
}

/** The application header and object headers of a whole message; sets Info. */
function application(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const end = tvb.end;
  const ac = tvb.u8(0);
  const func = tvb.u8(1);
  const funcName = AL_FUNC.get(func) ?? `Unknown function (${hex2(func)})`;
  const fir = (ac & 0x80) !== 0;
  const fin = (ac & 0x40) !== 0;
  const con = (ac & 0x20) !== 0;
  const uns = (ac & 0x10) !== 0;
  let bits = '';
  let words = '';
  if (fir) [bits, words] = [bits + 'FIR, ', words + ', First'];
  if (fin) [bits, words] = [bits + 'FIN, ', words + ', Final'];
  if (con) [bits, words] = [bits + 'CON, ', words + ', Confirm'];
  if (uns) [bits, words] = [bits + 'UNS, ', words + ', Unsolicited'];
  const seqText = `${bits}Sequence ${ac & 0x0f}`;
  tree.push(F._al, tvb, 0, end);
  if (tree.full) tree.label(`Application Layer: (${seqText}, ${funcName})`);
  tree.push(F['al.ctl'], tvb, 0, 1, ac);
  if (tree.full) tree.label(`Application Control: ${hex2(ac)}${words}(${seqText})`);
  tree.add(F['al.fir'], tvb, 0, 1, fir);
  tree.add(F['al.fin'], tvb, 0, 1, fin);
  tree.add(F['al.con'], tvb, 0, 1, con);
  tree.add(F['al.uns'], tvb, 0, 1, uns);
  tree.add(F['al.seq'], tvb, 0, 1, ac & 0x0f);
  tree.pop();
  tree.add(F['al.func'], tvb, 1, 1, func);
  if (tree.full) tree.labelLast(`Function Code: ${funcName} (${hex2(func)})`);
  let info = funcName;
  let p = 2;
  const response = func === 129 || func === 130;
  if (response) {
    const iin = tvb.u16(2);
    tree.push(F['al.iin'], tvb, 2, 2, iin);
    if (tree.full) {
      const set = IIN.filter((_, i) => iin & (IIN_MASKS[i] as number)).map(([, n]) => `, ${n}`);
      tree.label(`Internal Indications: 0x${iin.toString(16).padStart(4, '0')}${set.join('')}`);
    }
    IIN.forEach(([k], i) => tree.add(F[`al.iin.${k}`], tvb, 2, 2, (iin & (IIN_MASKS[i] as number)) !== 0));
    tree.pop();
    p = 4;
  }
  if ((func === 1 || response) && p + 2 <= end) {
    tree.push(F._objects, tvb, p, end - p);
    if (tree.full) tree.label(func === 1 ? 'READ Request Data Objects' : 'RESPONSE Data Objects');
    let classes = 0;
    const named: string[] = [];
    while (p + 2 <= end) {
      const group = tvb.u8(p);
      const next = object(tvb, tree, p, func === 1);
      if (func === 1) {
        if (group === 60) classes |= 1 << ((tvb.u8(p + 1) - 1) & 3);
        else named.push(READ_INFO.get(group) ?? 'Unknown Object Type');
      }
      if (next < 0) break;
      p = next;
    }
    tree.pop();
    if (named.length) info += `, ${named.join(', ')}`;
    if (classes) info += `, Class ${[0, 1, 2, 3].filter((c) => classes & (1 << c)).join('')}`;
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.pop();
}

/**
 * One object header at `p` with its qualifier and range; returns the next header's offset, or -1
 * when the object's points follow (they are not decoded, so the list stops there).
 */
function object(tvb: Tvb, tree: Tree, p: number, request: boolean): number {
  const group = tvb.u8(p);
  const variation = tvb.u8(p + 1);
  const q = tvb.u8(p + 2);
  const prefix = (q >> 4) & 7;
  const range = q & 0x0f;
  const code = (group << 8) | variation;
  const name = OBJECTS.get(code);
  if (name === undefined || prefix > 2 || ![0, 1, 6, 7, 8].includes(range)) return -1;
  // The range field: start/stop indexes, or a count of points.
  let items = 0;
  let rangeLen = 0;
  if (range === 0 || range === 1) {
    rangeLen = range === 0 ? 2 : 4;
    const half = rangeLen / 2;
    const start = half === 1 ? tvb.u8(p + 3) : tvb.u16le(p + 3);
    const stop = half === 1 ? tvb.u8(p + 4) : tvb.u16le(p + 5);
    items = stop - start + 1;
  } else if (range === 7 || range === 8) {
    rangeLen = range === 7 ? 1 : 2;
    items = rangeLen === 1 ? tvb.u8(p + 3) : tvb.u16le(p + 3);
  }
  // Objects without points, or points in a request (a read names them, carries none).
  const bare = range === 6 || (request && prefix === 0);
  const varText = variation === 0 ? 'Default' : variation.toString().padStart(2, '0');
  const head = `Object(s): ${name} (Obj:${group.toString().padStart(2, '0')}, Var:${varText}) (0x${code.toString(16).padStart(4, '0')})`;
  const after = p + 3 + rangeLen;
  tree.push(F['al.obj'], tvb, p, after - p, code);
  if (tree.full) tree.label(items > 0 ? `${head}, ${items} point${items === 1 ? '' : 's'}` : head);
  tree.push(F._qualifier, tvb, p + 2, 1);
  if (tree.full)
    tree.label(`Qualifier Field, Prefix: ${PREFIX.get(prefix) ?? ''}, Range: ${RANGE.get(range) ?? ''}`);
  tree.add(F['al.objq.prefix'], tvb, p + 2, 1, prefix);
  tree.add(F['al.objq.range'], tvb, p + 2, 1, range);
  tree.pop();
  if (range === 6) {
    tree.add(F._items, tvb, p + 3, 0);
    if (tree.full) tree.labelLast('Number of Items: 0');
  } else if (range === 0 || range === 1) {
    tree.push(F._items, tvb, p + 3, 0);
    if (tree.full) tree.label(`[Number of Items: ${items}]`);
    if (range === 0) {
      tree.add(F['al.range.start'], tvb, p + 3, 1, tvb.u8(p + 3));
      tree.add(F['al.range.stop'], tvb, p + 4, 1, tvb.u8(p + 4));
    } else {
      tree.add(F['al.range.start'], tvb, p + 3, 2, tvb.u16le(p + 3));
      if (tree.full) tree.labelLast(`Start (16 bit): ${tvb.u16le(p + 3)}`);
      tree.add(F['al.range.stop'], tvb, p + 5, 2, tvb.u16le(p + 5));
      if (tree.full) tree.labelLast(`Stop (16 bit): ${tvb.u16le(p + 5)}`);
    }
    tree.pop();
  } else {
    tree.push(F._items, tvb, p + 3, 0);
    if (tree.full) tree.label(`Number of Items: ${items}`);
    if (range === 7) tree.add(F['al.range.quantity'], tvb, p + 3, 1, items);
    else {
      tree.add(F['al.range.quantity'], tvb, p + 3, 2, items);
      if (tree.full) tree.labelLast(`Quantity (16 bit): ${items}`);
    }
    tree.pop();
  }
  tree.pop();
  return bare || items === 0 ? after : -1;
}

export const dnp3Module = {
  fields: { ...F, ...G },
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectDnp3);
    reg.register('udpPort', PORT, dissectDnp3Udp);
  },
};
