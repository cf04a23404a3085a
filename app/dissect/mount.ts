// The MOUNT protocol (RFC 1094 appendix A, RFC 1813 section 5), ONC RPC program 100005: MNT with
// its path and the file handle it answers, UMNT, DUMP's mount list and EXPORT's export list, in
// versions 1 to 3, with the Info text tshark 4.0 gives them.
import { fields, names, proto, str, text, uint } from './field.ts';
import { fh2, fh3 } from './nfs.ts';
import type { Registry } from './registry.ts';
import { AUTH_FLAVORS, registerRpcProgram, type RpcProc, type Xdr } from './rpc.ts';

const V1 = names({ 0: 'NULL', 1: 'MNT', 2: 'DUMP', 3: 'UMNT', 4: 'UMNTALL', 5: 'EXPORT', 6: 'EXPORTALL' });
const V2 = names({
  0: 'NULL',
  1: 'MNT',
  2: 'DUMP',
  3: 'UMNT',
  4: 'UMNTALL',
  5: 'EXPORT',
  6: 'EXPORTALL',
  7: 'PATHCONF',
});
const V3 = names({ 0: 'NULL', 1: 'MNT', 2: 'DUMP', 3: 'UMNT', 4: 'UMNTALL', 5: 'EXPORT' });
const STATUS = names({
  0: 'OK',
  1: 'ERR_PERM',
  2: 'ERR_NOENT',
  5: 'ERR_IO',
  13: 'ERR_ACCESS',
  20: 'ERR_NOTDIR',
  22: 'ERR_INVAL',
  63: 'ERR_NAMETOOLONG',
  10004: 'ERR_NOTSUPP',
  10006: 'ERR_SERVERFAULT',
});

export const F = fields('mount', {
  '': proto('Mount Service'),
  procedure_v1: uint('V1 Procedure', 32, { strings: V1, generated: true }),
  procedure_v2: uint('V2 Procedure', 32, { strings: V2, generated: true }),
  procedure_v3: uint('V3 Procedure', 32, { strings: V3, generated: true }),
  path: str('Path'),
  status: uint('Status', 32, { strings: STATUS }),
  flavors: uint('Flavors', 32),
  flavor: uint('Flavor', 32, { strings: AUTH_FLAVORS }),
  'dump.entry': text('Mount List Entry'),
  'dump.hostname': str('Hostname'),
  'dump.directory': str('Directory'),
  'export.entry': text('Export List Entry'),
  'export.directory': str('Directory'),
  'export.groups': text('Groups'),
  'export.group': str('Group'),
});

const errorText = (s: number): string =>
  STATUS.get(s) ?? `Unknown (0x${s.toString(16).toUpperCase().padStart(8, '0')})`;

function dirpathCall(x: Xdr): void {
  const path = x.string(F.path);
  x.info(` ${path}`);
}

/** v1/v2: fhstatus, a status and a 32-byte handle when it is 0. */
function mnt1Reply(x: Xdr): void {
  const s = x.u32(F.status);
  if (s === 0) fh2(x, 'fhandle');
  else x.info(` Error:${errorText(s)}`);
}

function mnt3Reply(x: Xdr): void {
  const s = x.tvb.u32(x.p);
  if (s !== 0) x.info(` Error:${errorText(s)}`);
  x.u32(F.status);
  if (s !== 0) return;
  fh3(x, 'fhandle');
  const n = x.u32(F.flavors);
  for (let i = 0; i < n; i++) x.u32(F.flavor);
}

function mountList(x: Xdr): void {
  const start = x.p;
  x.tree.push(F['dump.entry'], x.tvb, start, 0);
  let host = '';
  let dir = '';
  try {
    host = x.string(F['dump.hostname']);
    dir = x.string(F['dump.directory']);
  } finally {
    x.tree.pop(x.p - start, x.tree.full ? `Mount List Entry: ${host}:${dir}` : undefined);
  }
}

function exportList(x: Xdr): void {
  const start = x.p;
  x.tree.push(F['export.entry'], x.tvb, start, 0);
  let dir = '';
  const groups: string[] = [];
  try {
    dir = x.string(F['export.directory']);
    const at = x.p;
    x.tree.push(F['export.groups'], x.tvb, at, 0);
    try {
      x.list((y) => void groups.push(y.string(F['export.group'])));
    } finally {
      x.tree.pop(x.p - at, x.tree.full && x.p - at === 4 ? 'Groups: empty' : undefined);
    }
  } finally {
    x.tree.pop(x.p - start, x.tree.full ? `Export List Entry: ${dir} -> ${groups.join(' ')}` : undefined);
  }
}

const common = (mnt: (x: Xdr) => void): [number, RpcProc][] => [
  [0, { name: 'NULL' }],
  [1, { name: 'MNT', call: dirpathCall, reply: mnt }],
  [2, { name: 'DUMP', reply: (x) => x.list(mountList) }],
  [3, { name: 'UMNT', call: dirpathCall }],
  [4, { name: 'UMNTALL' }],
  [5, { name: 'EXPORT', reply: (x) => x.list(exportList) }],
];

export const mountModule = {
  fields: F,
  handoff(reg: Registry): void {
    registerRpcProgram(reg, {
      prog: 100005,
      proto: F[''],
      layer: 'mount',
      versions: new Map([
        [
          1,
          { procField: F.procedure_v1, procs: new Map([...common(mnt1Reply), [6, { name: 'EXPORTALL' }]]) },
        ],
        [
          2,
          {
            procField: F.procedure_v2,
            procs: new Map([...common(mnt1Reply), [6, { name: 'EXPORTALL' }], [7, { name: 'PATHCONF' }]]),
          },
        ],
        [3, { procField: F.procedure_v3, procs: new Map(common(mnt3Reply)) }],
      ]),
    });
  },
};
