// Portmap and rpcbind (RFC 1833), ONC RPC program 100000: GETPORT, SET/UNSET, DUMP and CALLIT in
// version 2, GETADDR, DUMP and the indirect calls in versions 3 and 4, with the Info and item
// texts tshark 4.0 gives them.
import { bytes, fields, names, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import type { Registry } from './registry.ts';
import { F as RPC, registerRpcProgram, rpcProcName, rpcProgName, type RpcProc, type Xdr } from './rpc.ts';
import { ipProtoName } from './ip-proto.ts';

const V1 = names({ 0: 'NULL', 1: 'SET', 2: 'UNSET', 3: 'GETPORT', 4: 'DUMP', 5: 'CALLIT' });
const V3 = names({
  0: 'NULL', 1: 'SET', 2: 'UNSET', 3: 'GETADDR', 4: 'DUMP', 5: 'CALLIT', 6: 'GETTIME', 7: 'UADDR2TADDR',
  8: 'TADDR2UADDR',
}); // prettier-ignore
const V4 = names({
  0: 'NULL', 1: 'SET', 2: 'UNSET', 3: 'GETADDR', 4: 'DUMP', 5: 'BCAST', 6: 'GETTIME', 7: 'UADDR2TADDR',
  8: 'TADDR2UADDR', 9: 'GETVERSADDR', 10: 'INDIRECT', 11: 'GETADDRLIST', 12: 'GETSTAT',
}); // prettier-ignore

export const F = fields('portmap', {
  '': proto('Portmap'),
  procedure_v1: uint('V1 Procedure', 32, { strings: V1, generated: true }),
  procedure_v2: uint('V2 Procedure', 32, { strings: V1, generated: true }),
  procedure_v3: uint('V3 Procedure', 32, { strings: V3, generated: true }),
  procedure_v4: uint('V4 Procedure', 32, { strings: V4, generated: true }),
  prog: uint('Program', 32),
  port: uint('Port', 32),
  proc: uint('Procedure', 32),
  proto: uint('Protocol', 32),
  version: uint('Version', 32),
  answer: { name: 'Answer', type: FieldType.Bool, tf: ['True', 'False'] },
  args: bytes('Arguments'),
  result: bytes('Result'),
  rpcb: text('RPCB'),
  'rpcb.prog': uint('Program', 32),
  'rpcb.version': uint('Version', 32),
  'rpcb.netid': str('Network Id'),
  'rpcb.addr': str('Universal Address'),
  'rpcb.owner': str('Owner of this Service'),
  uaddr: str('Universal Address'),
  _entry: text('Map Entry'),
});

/** A program number with its name, as the tree shows it (`NFS (100003)`). */
function progItem(x: Xdr, def: FieldDef): number {
  const prog = x.u32(def);
  if (x.tree.full) x.tree.labelLast(`${def.name}: ${rpcProgName(prog)} (${prog})`);
  return prog;
}

function getportCall(x: Xdr): void {
  const proto = x.tvb.u32(x.p + 8);
  // Remembered so the reply can tell a UDP port from a TCP one (tshark then expects RPC there).
  x.call.data = proto;
  const prog = progItem(x, F.prog);
  const name = rpcProgName(prog);
  x.info(` ${name}(${prog})`);
  x.label += ` GETPORT Call ${name}(${prog})`;
  const version = x.u32(F.version);
  x.info(` V:${version}`);
  x.label += ` Version:${version}`;
  const pname = ipProtoName(proto);
  x.u32(F.proto);
  if (x.tree.full) x.tree.labelLast(`Proto: ${pname} (${proto})`);
  x.info(` ${pname}`);
  x.label += ` ${pname}`;
  x.u32(F.port);
}

function getportReply(x: Xdr): void {
  const port = x.u32(F.port);
  x.label += ` GETPORT Reply Port:${port}`;
  if (port) x.info(` Port:${port}`);
  else {
    x.info(' PROGRAM_NOT_AVAILABLE');
    x.label += ' PROGRAM_NOT_AVAILABLE';
  }
}

function setCall(x: Xdr, named: boolean): void {
  progItem(x, F.prog);
  x.u32(F.version);
  const proto = x.u32(F.proto);
  if (named && x.tree.full) x.tree.labelLast(`Proto: ${ipProtoName(proto)} (${proto})`);
  x.u32(F.port);
}

function dumpEntry(x: Xdr): void {
  const { tvb, tree } = x;
  const at = x.p;
  const prog = tvb.u32(at);
  const version = tvb.u32(at + 4);
  tree.push(F._entry, tvb, at, 16);
  if (tree.full) tree.label(`Map Entry: ${rpcProgName(prog)} (${prog}) V${version}`);
  progItem(x, F.prog);
  x.u32(F.version);
  const proto = x.u32(F.proto);
  if (tree.full) tree.labelLast(`Protocol: ${ipProtoName(proto)} (0x${proto.toString(16).padStart(2, '0')})`);
  x.u32(F.port);
  tree.pop();
}

/** Wireshark's dissect_rpc_indir_call: the inner call's arguments by its own dissector, or as bytes. */
function callitCall(x: Xdr): void {
  const prog = progItem(x, F.prog);
  const vers = x.u32(F.version);
  const proc = x.u32(F.proc);
  if (x.tree.full) x.tree.labelLast(`Procedure: ${rpcProcName(x.pinfo, prog, vers, proc)} (${proc})`);
  x.infoLocked = true;
  x.data(F.args);
}

function callitReply(x: Xdr): void {
  x.u32(F.port);
  x.infoLocked = true;
  x.data(F.result);
}

function rpcb(x: Xdr): void {
  const { tvb, tree } = x;
  const at = x.p;
  tree.push(F.rpcb, tvb, at, 0);
  progItem(x, F['rpcb.prog']);
  x.u32(F['rpcb.version']);
  x.string(F['rpcb.netid']);
  x.string(F['rpcb.addr']);
  x.string(F['rpcb.owner']);
  tree.pop(x.p - at);
}

function rmtcallres(x: Xdr): void {
  x.string(F['rpcb.addr']);
  x.infoLocked = true;
  x.data(F.result);
}

/** Procedures tshark only names (its dissect_rpc_unknown): an empty `Unknown RPC call/reply body`. */
function unknownBody(x: Xdr): void {
  x.tree.add(RPC.unknown_body, x.tvb, x.p, x.tvb.remaining(x.p));
  x.p = x.tvb.end;
}

const unknown = (name: string): RpcProc => ({ name, call: unknownBody, reply: unknownBody });
const nothing = (name: string): RpcProc => ({ name });

function procs(list: readonly [number, RpcProc][]): ReadonlyMap<number, RpcProc> {
  return new Map(list);
}

const V1_PROCS = procs([
  [0, nothing('NULL')],
  [1, unknown('SET')],
  [2, unknown('UNSET')],
  [3, unknown('GETPORT')],
  [4, unknown('DUMP')],
  [5, unknown('CALLIT')],
]);
const V2_PROCS = procs([
  [0, nothing('NULL')],
  [1, { name: 'SET', call: (x) => setCall(x, true), reply: (x) => void x.bool(F.answer) }],
  [2, { name: 'UNSET', call: (x) => setCall(x, false), reply: (x) => void x.bool(F.answer) }],
  [3, { name: 'GETPORT', call: getportCall, reply: getportReply }],
  [4, { name: 'DUMP', reply: (x) => x.list(dumpEntry) }],
  [5, { name: 'CALLIT', call: callitCall, reply: callitReply }],
]);
const V3_LIST: [number, RpcProc][] = [
  [0, nothing('NULL')],
  [1, unknown('SET')],
  [2, unknown('UNSET')],
  [3, { name: 'GETADDR', call: rpcb, reply: (x) => void x.string(F.uaddr) }],
  [4, { name: 'DUMP', reply: (x) => x.list(rpcb) }],
  [5, { name: 'CALLIT', call: callitCall, reply: rmtcallres }],
  [6, unknown('GETTIME')],
  [7, unknown('UADDR2TADDR')],
  [8, unknown('TADDR2UADDR')],
];
const V3_PROCS = procs(V3_LIST);
const V4_PROCS = procs([
  ...V3_LIST.filter(([n]) => n !== 5),
  [5, { name: 'BCAST', call: callitCall, reply: rmtcallres }],
  [9, unknown('GETVERSADDR')],
  [10, { name: 'INDIRECT', call: callitCall, reply: rmtcallres }],
  [11, unknown('GETADDRLIST')],
  [12, unknown('GETSTAT')],
]);

export const portmapModule = {
  fields: F,
  handoff(reg: Registry): void {
    registerRpcProgram(reg, {
      prog: 100000,
      proto: F[''],
      layer: 'portmap',
      versions: new Map([
        [1, { procField: F.procedure_v1, procs: V1_PROCS }],
        [2, { procField: F.procedure_v2, procs: V2_PROCS }],
        [3, { procField: F.procedure_v3, procs: V3_PROCS }],
        [4, { procField: F.procedure_v4, procs: V4_PROCS }],
      ]),
    });
  },
};
