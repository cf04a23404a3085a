// A registry without the application-layer dissectors, for display filters that read only link,
// network and transport fields (`ip.addr == 10.0.0.0/8`, `tcp.flags.syn == 1`): most of a
// summary dissection's time goes to HTTP, TLS, DNS and their kin, whose fields such a filter never
// reads. The engine uses it only when re-dissecting packets it has indexed: on a revisit TCP and
// the others read the capture state built by the first pass and do not change it, so leaving the
// payload undissected changes nothing but the fields of the protocols left out.
import { FieldType, type FieldDef } from '../../app/dissect/field.ts';
import { MODULES } from '../../app/dissect/modules.ts';
import type { Dissector, Heuristic, Registry, TableName } from '../../app/dissect/registry.ts';

/** Modules that only ever sit on top of TCP or UDP and carry no lower layer inside them. */
const APPLICATION = new Set([
  'http',
  'tls',
  'quic',
  'gquic',
  'dns',
  'dhcp',
  'ntp',
  'ssdp',
  'nbns',
  'snmp',
  'dhcpv6',
]);

/** Protocols whose fields a lean dissection still produces exactly. */
const LEAN_PROTOCOLS = new Set([
  'frame',
  'eth',
  'llc',
  'vlan',
  'ieee8021ad',
  'sll',
  'null',
  'raw',
  'arp',
  'ip',
  'udp',
  'tcp',
  'icmp',
  'ipv6',
  'icmpv6',
  'vxlan',
  'gre',
  'nflog',
  'igmp',
]);

/** Fields of those protocols that depend on the payload's dissector (PDU reassembly) or on the layers. */
const PAYLOAD_DEPENDENT = /^(frame\.protocols|tcp\.(reassembled|segment|pdu|analysis|payload)|udp\.payload)/;

function protocolName(module: (typeof MODULES)[number]): string | undefined {
  const root = Object.values(module.fields).find((d) => d.type === FieldType.Protocol);
  return root?.abbrev.split('.')[0];
}

const lean = new WeakMap<Registry, Registry>();

/** `registry` without the application-layer dissectors' table entries and heuristics. */
export function leanRegistry(registry: Registry): Registry {
  let out = lean.get(registry);
  if (out) return out;
  const removed = new Set<Dissector | Heuristic>();
  const recorder = {
    register: (_table: TableName, _key: number, d: Dissector) => removed.add(d),
    heuristics: {
      udp: { push: (h: Heuristic) => removed.add(h) },
      tcp: { push: (h: Heuristic) => removed.add(h) },
    },
  };
  for (const m of MODULES) {
    const name = protocolName(m);
    if (name && APPLICATION.has(name)) m.handoff?.(recorder as unknown as Registry);
  }
  const tables = {} as Registry['tables'];
  for (const [name, map] of Object.entries(registry.tables) as [TableName, Map<number, Dissector>][]) {
    tables[name] = new Map([...map].filter(([, d]) => !removed.has(d)));
  }
  const heuristics = {
    udp: registry.heuristics.udp.filter((h) => !removed.has(h)),
    tcp: registry.heuristics.tcp.filter((h) => !removed.has(h)),
  };
  out = Object.create(registry, {
    tables: { value: tables },
    heuristics: { value: heuristics },
  }) as Registry;
  lean.set(registry, out);
  return out;
}

/** Whether a filter reading these fields gets the same answer from a lean dissection. */
export function leanSuffices(defs: readonly FieldDef[]): boolean {
  return defs.every(
    (d) => LEAN_PROTOCOLS.has(d.abbrev.split('.')[0] ?? '') && !PAYLOAD_DEPENDENT.test(d.abbrev),
  );
}
