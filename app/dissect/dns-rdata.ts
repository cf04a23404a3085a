// DNS resource record data beyond the classic types: DNSSEC (RFC 4034, 5155, 7344), the service
// records (NAPTR, SVCB/HTTPS, TLSA, SSHFP, CAA), LOC, TSIG/TKEY and the rarer types tshark 4.0
// decodes. dns.ts reads the record's header and calls `decodeRdata` for its data.
import {
  bool,
  bytes,
  fields,
  hex,
  ipv4,
  ipv6,
  names,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { secondsText } from './icmp.ts';
import { expert, IP_PROTO_NAMES } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { asciiField, formatAsciiText, tvbFormatText } from './text-format.ts';
import { strayNote } from './tvb-items.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatHex, formatIPv4, formatIPv6, formatMac } from '../format/address.ts';
import { macName } from '../format/mac-names.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

/** Short type names (Info column, subtree labels). */
export const TYPE_SHORT = names({
  0: 'Unused', 1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR',
  10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP',
  18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY',
  26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV',
  34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP', 57: 'RKEY', 58: 'TALINK',
  59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS',
  99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32',
  106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILA', 254: 'MAILB', 255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA',
  32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
}); // prettier-ignore

/** Long type names (the Type field). MAILA/MAILB are swapped in tshark 4.0's short table only. */
export const TYPE_LONG = names({
  0: 'Unused', 1: 'A (Host Address)', 2: 'NS (authoritative Name Server)', 3: 'MD (Mail Destination)',
  4: 'MF (Mail Forwarder)', 5: 'CNAME (Canonical NAME for an alias)',
  6: 'SOA (Start Of a zone of Authority)', 7: 'MB (MailBox domain name)', 8: 'MG (Mail Group member)',
  9: 'MR (Mail Rename domain)', 10: 'NULL RR', 11: 'WKS (Well Known Service)',
  12: 'PTR (domain name PoinTeR)', 13: 'HINFO (host information)',
  14: 'MINFO (Mailbox or mail list information)', 15: 'MX (Mail eXchange)', 16: 'TXT (Text strings)',
  17: 'RP (Responsible Person)', 18: 'AFSDB (AFS Data Base location)', 19: 'X25 (XX.25 PSDN address)',
  20: 'ISDN (ISDN address)', 21: 'RT (Route Through)', 22: 'NSAP (NSAP address)',
  23: 'NSAP-PTR (NSAP domain name pointer)', 24: 'SIG (security signature)', 25: 'KEY (security key)',
  26: 'PX (X.400 mail mapping information)', 27: 'GPOS (Geographical Position)',
  28: 'AAAA (IPv6 Address)', 29: 'LOC (Location Information)', 30: 'NXT (Next Domain)',
  31: 'EID (Endpoint Identifier)', 32: 'NIMLOC (Nimrod Locator)', 33: 'SRV (Server Selection)',
  34: 'ATMA (ATM Address)', 35: 'NAPTR (Naming Authority Pointer)', 36: 'KX (Key Exchanger)',
  37: 'CERT', 38: 'A6 (OBSOLETE - use AAAA)', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL',
  43: 'DS (Delegation Signer)', 44: 'SSHFP (SSH Key Fingerprint)', 45: 'IPSECKEY',
  46: 'RRSIG (Resource Record Signature)', 47: 'NSEC (Next Secure)', 48: 'DNSKEY (DNS Public Key)',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP (Host Identity Protocol)',
  57: 'RKEY', 58: 'TALINK (Trust Anchor LINK)', 59: 'CDS (Child DS)',
  60: 'CDNSKEY (DNSKEY(s) the Child wants reflected in DS)', 61: 'OPENPGPKEY (OpenPGP Key)',
  62: 'CSYNC (Child-to-Parent Synchronization)', 63: 'ZONEMD',
  64: 'SVCB (General Purpose Service Endpoints)', 65: 'HTTPS (HTTPS Specific Service Endpoints)',
  99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID (NodeID)',
  105: 'L32 (Locator32)', 106: 'L64 (Locator64)', 107: 'LP (Locator FQDN)', 108: 'EUI48',
  109: 'EUI64', 249: 'TKEY (Transaction Key)', 250: 'TSIG (Transaction Signature)',
  251: 'IXFR (incremental transfer)', 252: 'AXFR (transfer of an entire zone)',
  253: 'MAILB (mailbox-related RRs)', 254: 'MAILA (mail agent RRs)',
  255: '* (A request for all records the server/cache has available)', 256: 'URI',
  257: 'CAA (Certification Authority Restriction)', 32768: 'TA (DNSSEC Trust Authorities)',
  32769: 'DLV (DNSSEC Lookaside Validation)', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
}); // prettier-ignore

/** DNSSEC algorithm numbers (RRSIG, DNSKEY, DS, CERT and the EDNS DAU option). */
export const DNSSEC_ALGORITHMS = names({
  1: 'RSA/MD5', 2: 'Diffie-Hellman', 3: 'DSA', 4: 'Elliptic curve crypto', 5: 'RSA/SHA1',
  6: 'DSA + NSEC3/SHA1', 7: 'RSA/SHA1 + NSEC3/SHA1', 8: 'RSA/SHA-256', 10: 'RSA/SHA-512',
  12: 'GOST R 34.10-2001', 13: 'ECDSA Curve P-256 with SHA-256', 14: 'ECDSA Curve P-386 with SHA-386',
  15: 'Ed25519', 16: 'Ed448', 157: 'HMAC/MD5', 252: 'Indirect key', 253: 'Private, domain name',
  254: 'Private, OID',
}); // prettier-ignore

/** DS digest types (DS and the EDNS DHU option). */
export const DIGEST_TYPES = names({
  0: 'Reserved digest',
  1: 'SHA-1',
  2: 'SHA-256',
  3: 'GOST R 34.11-94',
  4: 'SHA-384',
});

export const NSEC3_HASHES = names({ 0: 'Reserved', 1: 'SHA-1' });

/** Reply codes, which TSIG and TKEY errors share. */
export const RCODES = names({
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented',
  5: 'Refused', 6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative',
  10: 'Name out of zone', 11: 'DSO-Type not implemented',
  16: 'Bad OPT Version or TSIG Signature Failure', 17: 'Key not recognized',
  18: 'Signature out of time window', 19: 'Bad TKEY Mode', 20: 'Duplicate key name',
  21: 'Algorithm not supported', 22: 'Bad Truncation', 23: 'Bad/missing Server Cookie',
}); // prettier-ignore

const SVC_KEYS = names({
  0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'echconfig',
  6: 'ipv6hint', 32769: 'odohconfig', 65535: 'key65535',
}); // prettier-ignore
const KEY_TRUE_FALSE = { tf: ['Yes', 'No'] as const };
const TF = (yes: string, no: string): { tf: readonly [string, string] } => ({ tf: [yes, no] });

/** Value ranges of a code point (Wireshark's range_string): the first whose bounds hold `v`. */
type Ranges = readonly (readonly [number, number, string])[];
const ZONEMD_SCHEMES: Ranges = [
  [0, 0, 'Reserved'],
  [1, 1, 'SIMPLE'],
  [2, 239, 'Unassigned'],
  [240, 254, 'Private Use'],
  [255, 255, 'Reserved'],
];
const ZONEMD_HASHES: Ranges = [
  [0, 0, 'Reserved'],
  [1, 1, 'SHA-384'],
  [2, 2, 'SHA-512'],
  [3, 239, 'Unassigned'],
  [240, 254, 'Private Use'],
  [255, 255, 'Reserved'],
];
export const rangeName = (ranges: Ranges, v: number): string =>
  ranges.find(([lo, hi]) => v >= lo && v <= hi)?.[2] ?? 'Unknown';

const time = (name: string): { name: string; type: FieldType } => ({ name, type: FieldType.AbsTime });

export const R = fields('dns', {
  'resp.type': uint('Type', 16, { strings: TYPE_LONG }),
  'rrsig.type_covered': uint('Type Covered', 16, { strings: TYPE_LONG }),
  'rrsig.algorithm': uint('Algorithm', 8, { strings: DNSSEC_ALGORITHMS }),
  'rrsig.labels': uint('Labels', 8),
  'rrsig.original_ttl': uint('Original TTL', 32),
  'rrsig.signature_expiration': time('Signature Expiration'),
  'rrsig.signature_inception': time('Signature Inception'),
  'rrsig.key_tag': uint('Key Tag', 16),
  'rrsig.signers_name': str("Signer's name"),
  'rrsig.signature': bytes('Signature'),
  'dnskey.flags': hex('Flags', 16),
  'dnskey.flags.zone_key': bool(
    'Zone Key',
    16,
    0x0100,
    TF('This is the zone key for specified zone', 'This it not a zone key'),
  ),
  'dnskey.flags.key_revoked': bool('Key Revoked', 16, 0x0080, KEY_TRUE_FALSE),
  'dnskey.flags.secure_entry_point': bool('Key Signing Key', 16, 0x0001, KEY_TRUE_FALSE),
  'dnskey.flags.reserved': hex('Key Signing Key', 16, { mask: 0xfe7e }),
  'dnskey.protocol': uint('Protocol', 8),
  'dnskey.algorithm': uint('Algorithm', 8, { strings: DNSSEC_ALGORITHMS }),
  'dnskey.key_id': uint('Key id', 16, { generated: true }),
  'dnskey.public_key': bytes('Public Key'),
  'key.flags': hex('Flags', 16),
  'key.flags.authentication': bool(
    'Key allowed for authentication',
    16,
    0x8000,
    TF('Not Allowed', 'Allowed'),
  ),
  'key.flags.confidentiality': bool(
    'Key allowed for confidentiality',
    16,
    0x4000,
    TF('Not Allowed', 'Allowed'),
  ),
  'key.flags.required': bool('Key required', 16, 0x2000, TF('Experimental or optional', 'Required')),
  'key.flags.associated_user': bool('Key is associated with a user', 16, 0x0400, KEY_TRUE_FALSE),
  'key.flags.associated_named_entity': bool(
    'Key is associated with the named entity',
    16,
    0x0200,
    KEY_TRUE_FALSE,
  ),
  'key.flags.ipsec': bool('Key use with IPSEC', 16, 0x0080, TF('Valid', 'Invalid')),
  'key.flags.mime': bool('Key use with MIME security multiparts', 16, 0x0040, TF('Valid', 'Invalid')),
  'key.flags.signatory': uint('Signatory', 16, { mask: 0x000f }),
  'key.protocol': uint('Protocol', 8),
  'key.algorithm': uint('Algorithm', 8, { strings: DNSSEC_ALGORITHMS }),
  'key.key_id': uint('Key ID', 16, { generated: true }),
  'key.public_key': bytes('Public Key'),
  'ds.key_id': hex('Key id', 16),
  'ds.algorithm': uint('Algorithm', 8, { strings: DNSSEC_ALGORITHMS }),
  'ds.digest_type': uint('Digest Type', 8, { strings: DIGEST_TYPES }),
  'ds.digest': bytes('Digest'),
  'nsec3.algo': uint('Hash algorithm', 8, { strings: NSEC3_HASHES }),
  'nsec3.flags': uint('NSEC3 flags', 8),
  'nsec3.flags.opt_out': bool(
    'NSEC3 Opt-out flag',
    8,
    0x01,
    TF('Additional insecure delegations allowed', 'Additional insecure delegations forbidden'),
  ),
  'nsec3.iterations': uint('NSEC3 iterations', 16),
  'nsec3.salt_length': uint('Salt length', 8),
  'nsec3.salt_value': bytes('Salt value'),
  'nsec3.hash_length': uint('Hash length', 8),
  'nsec3.hash_value': str('Next hashed owner', { generated: true }),
  'tlsa.certificate_usage': uint('Certificate Usage', 8, {
    strings: names({
      0: 'CA constraint (PKIX-TA)',
      1: 'Service certificate constraint (PKIX-EE)',
      2: 'Trust anchor assertion (DANE-TA)',
      3: 'Domain-issued certificate (DANE-EE)',
    }),
  }),
  'tlsa.selector': uint('Selector', 8, {
    strings: names({ 0: 'Full certificate (Cert)', 1: 'SubjectPublicKeyInfo (SPKI)' }),
  }),
  'tlsa.matching_type': uint('Matching Type', 8, {
    strings: names({
      0: 'No Hash Used (Full)',
      1: '256 bit hash by SHA2 (SHA2-256)',
      2: '512 bit hash by SHA2 (SHA2-512)',
    }),
  }),
  'tlsa.certificate_association_data': bytes('Certificate Association Data'),
  'sshfp.algorithm': uint('Algorithm', 8, {
    strings: names({ 0: 'Reserved', 1: 'RSA', 2: 'DSA', 3: 'ECDSA', 4: 'Ed25519', 5: 'XMSS' }),
  }),
  'sshfp.fingerprint.type': uint('Fingerprint type', 8, {
    strings: names({ 0: 'Reserved', 1: 'SHA1', 2: 'SHA256' }),
  }),
  'sshfp.fingerprint': bytes('Fingerprint'),
  'caa.flags': hex('CAA Flags', 8),
  'caa.flags.issuer_critical': bool('Issuer Critical', 8, 0x80, TF('Critical', 'Not critical')),
  'caa.issue': str('Issue'),
  'caa.issuewild': str('Issue Wildcard'),
  'caa.iodef': str('Report URL'),
  'caa.unknown': str('Unknown tag'),
  'caa.tag_length': uint('Tag length', 8),
  'caa.tag': str('Tag'),
  'caa.value': str('Value'),
  'naptr.order': uint('Order', 16),
  'naptr.preference': uint('Preference', 16),
  'naptr.flags_length': uint('Flags Length', 8),
  'naptr.flags': str('Flags'),
  'naptr.service_length': uint('Service Length', 8),
  'naptr.service': str('Service'),
  'naptr.regex_length': uint('Regex Length', 8),
  'naptr.regex': str('Regex'),
  'naptr.replacement_length': uint('Replacement Length', 8, { generated: true }),
  'naptr.replacement': str('Replacement'),
  'svcb.svcpriority': uint('SvcPriority', 16),
  'svcb.targetname': str('TargetName'),
  'svcb.svcparam': text('SvcParam'),
  'svcb.svcparam.key': uint('SvcParamKey', 16, { strings: SVC_KEYS }),
  'svcb.svcparam.value.length': uint('SvcParamValue length', 16),
  'svcb.svcparam.value': bytes('SvcParamValue'),
  'svcb.svcparam.mandatory.key': uint('Mandatory key', 16, { strings: SVC_KEYS }),
  'svcb.svcparam.alpn.length': uint('ALPN length', 8),
  'svcb.svcparam.alpn': str('ALPN'),
  'svcb.svcparam.port': uint('Port', 16),
  'svcb.svcparam.ipv4hint.ip': ipv4('IP'),
  'svcb.svcparam.echconfig': bytes('ECHConfig'),
  'svcb.svcparam.ipv6hint.ip': ipv6('IP'),
  'svcb.svcparam.odohconfig': bytes('ODoHConfig'),
  'loc.version': uint('Version', 8),
  'loc.size': uint('Size', 8),
  'loc.horizontal_precision': uint('Horizontal Precision', 8),
  'loc.vertical_precision': uint('Vertical Precision', 8),
  'loc.latitude': uint('Latitude', 32),
  'loc.longitude': uint('Longitude', 32),
  'loc.altitude': uint('Altitude', 32),
  'loc.unknown_data': bytes('Unknown data'),
  'tsig.algorithm_name': str('Algorithm Name'),
  'tsig.time_signed': time('Time Signed'),
  'tsig.fudge': uint('Fudge', 16),
  'tsig.mac_size': uint('MAC Size', 16),
  'tsig.mac': text('MAC'),
  'tsig.original_id': uint('Original Id', 16),
  'tsig.error': uint('Error', 16, { strings: RCODES }),
  'tsig.other_len': uint('Other Len', 16),
  'tsig.other_data': bytes('Other Data'),
  'tkey.algo_name': str('Algorithm name'),
  'tkey.signature_inception': time('Signature Inception'),
  'tkey.signature_expiration': time('Signature Expiration'),
  'tkey.mode': uint('Mode', 16, {
    strings: names({
      1: 'Server assigned',
      2: 'Diffie Hellman',
      3: 'GSSAPI',
      4: 'Resolver assigned',
      5: 'Delete',
    }),
  }),
  'tkey.error': uint('Error', 16, { strings: RCODES }),
  'tkey.key_size': uint('Key Size', 16),
  'tkey.key_data': bytes('Key Data'),
  'tkey.other_size': uint('Other Size', 16),
  'tkey.other_data': bytes('Other Data'),
  'cert.type': uint('Type', 16, {
    strings: names({
      1: 'PKIX', 2: 'SPKI', 3: 'PGP', 4: 'IPKIX', 5: 'ISPKI', 6: 'IPGP', 7: 'ACPKIX', 8: 'IACPKIX',
      253: 'Private, URI', 254: 'Private, OID',
    }), // prettier-ignore
  }),
  'cert.key_tag': hex('Key Tag', 16),
  'cert.algorithm': uint('Algorithm', 8, { strings: DNSSEC_ALGORITHMS }),
  'cert.certificate': bytes('Certificate (or CRL)'),
  'ipseckey.gateway_precedence': uint('Gateway Precedence', 8),
  'ipseckey.gateway_type': uint('Gateway Type', 8, {
    strings: names({ 0: 'No Gateway', 1: 'IPv4 Gateway', 2: 'IPv6 Gateway', 3: 'DNS Gateway' }),
  }),
  'ipseckey.gateway_algorithm': uint('Gateway Algorithm', 8, { strings: names({ 1: 'DSA', 2: 'RSA' }) }),
  'ipseckey.gateway_ipv4': ipv4('IPv4 Gateway'),
  'ipseckey.gateway_ipv6': ipv6('IPv6 Gateway'),
  'ipseckey.gateway_dns': str('DNS Gateway'),
  'ipseckey.public_key': bytes('Public Key'),
  'dhcid.rdata': bytes('DHCID Data'),
  openpgpkey: str('OpenPGP Key'),
  'csync.soa': uint('SOA', 32),
  'csync.flags': hex('Flags', 16),
  'csync.flags.immediate': bool('immediate', 16, 0x0001, TF('True', 'False')),
  'csync.flags.soaminimum': bool('soaminimum', 16, 0x0002, TF('True', 'False')),
  'csync.type_bitmap': bytes('Type Bitmap'),
  'zonemd.serial': uint('Serial', 32),
  'zonemd.scheme': uint('Scheme', 8),
  'zonemd.hash_algo': uint('Hash Algorithm', 8),
  'zonemd.digest': bytes('Digest'),
  'apl.address_family': uint('Address Family', 16, { strings: names({ 1: 'IPv4', 2: 'IPv6' }) }),
  'apl.coded_prefix': uint('Prefix Length', 8),
  'apl.negation': bool('Negation Flag', 8, 0x80, TF('Yes (!)', 'No (0)')),
  'apl.afdlength': uint('Address Length', 8, { mask: 0x7f }),
  'apl.afdpart.ipv4': ipv4('Address'),
  'apl.afdpart.ipv6': ipv6('Address'),
  'apl.afdpart.data': bytes('Address'),
  'wks.address': ipv4('Address'),
  'wks.protocol': uint('Protocol', 8, { strings: IP_PROTO_NAMES }),
  'wks.bits': hex('Bits', 8),
  'rp.mailbox': str('Mailbox'),
  'rp.txt_rr': str('TXT RR'),
  'afsdb.subtype': uint('Subtype', 16),
  'afsdb.hostname': str('Hostname'),
  'x25.length': uint('Length', 8),
  'x25.psdn_address': str('PSDN-Address'),
  'idsn.length': uint('Length', 8),
  'idsn.address': str('ISDN Address'),
  'idsn.sa.length': uint('Length', 8),
  'idsn.sa.address': str('Sub Address'),
  'rt.subtype': uint('Preference', 16),
  'rt.intermediate_host': str('Intermediate Hostname'),
  'kx.preference': uint('Preference', 16),
  'kx.key_exchange': str('Key Exchange'),
  'a6.prefix_len': uint('Prefix len', 8),
  'a6.address_suffix': ipv6('Address Suffix'),
  'a6.prefix_name': str('Prefix name'),
  eui48: { name: 'EUI48 Address', type: FieldType.Ether },
  eui64: str('EUI64 Address'),
  'hip.hit.length': uint('HIT length', 8),
  'hip.hit.pk.algo': uint('HIT length', 8, { strings: names({ 0: 'Reserved', 1: 'DSA', 2: 'RSA' }) }),
  'hip.pk.length': uint('PK length', 16),
  'hip.hit': bytes('Host Identity Tag'),
  'hip.pk': bytes('HIP Public Key'),
  'hip.rendezvous_server': str('Rendezvous Server'),
  'ilnp.nid.preference': uint('Preference', 16),
  'ilnp.nid': bytes('NodeID'),
  'ilnp.l32.preference': uint('Preference', 16),
  'ilnp.l32': ipv4('Locator32'),
  'ilnp.l64.preference': uint('Preference', 16),
  'ilnp.l64': bytes('Locator64'),
  'ilnp.lp.preference': uint('Preference', 16),
  'ilnp.lp': str('Locator FQDN'),
  'nsap.rdata': bytes('NSAP Data'),
  'nsap_ptr.owner': str('Owner'),
  'px.preference': uint('Preference', 16),
  'px.map822': str('MAP822'),
  'px.map400': str('MAPX400'),
  'gpos.longitude_length': uint('Longitude length', 8),
  'gpos.longitude': str('Longitude'),
  'gpos.latitude_length': uint('Latitude length', 8),
  'gpos.latitude': str('Latitude'),
  'gpos.altitude_length': uint('Altitude length', 8),
  'gpos.altitude': str('Altitude'),
  'nxt.next_domain_name': str('Next Domain Name'),
  'wins.local_flag': bool('Local Flag', 32, 0x1, TF('True', 'False')),
  'wins.lookup_timeout': uint('Lookup timeout', 32),
  'wins.cache_timeout': uint('Cache timeout', 32),
  'wins.nb_wins_servers': uint('Number of WINS servers', 32),
  'wins.wins_server': ipv4('WINS Server Address'),
  'winsr.local_flag': bool('Local Flag', 32, 0x1, TF('True', 'False')),
  'winsr.lookup_timeout': uint('Lookup timeout', 32),
  'winsr.cache_timeout': uint('Cache timeout', 32),
  'winsr.name_result_domain': str('Name Result Domain'),
  'xpf.ip_version': uint('IP Version', 16, {
    strings: names({
      0: 'Reserved',
      4: 'IPv4',
      5: 'ST Datagram',
      6: 'IPv6',
      7: 'TP/IX',
      8: 'PIP',
      9: 'TUBA',
    }),
  }),
  'xpf.protocol': uint('Protocol', 8, { strings: IP_PROTO_NAMES }),
  'xpf.source_ipv4': ipv4('IPv4 Source'),
  'xpf.destination_ipv4': ipv4('IPv4 Destination'),
  'xpf.source_ipv6': ipv6('IPv6 Source'),
  'xpf.destination_ipv6': ipv6('IPv6 Destination'),
  'xpf.sport': uint('Source port', 16),
  'xpf.dport': uint('Destination port', 16),
});

/** What the record decoders need of the message being read. */
export interface RdataCtx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  /** Offset of the message's first header byte (name pointers are relative to it). */
  msg: number;
  info: { add(s: string): void };
}

/** Wireshark's MAX_DNAME_LEN: longer names show as `<Name too long>`. */
const MAX_NAME = 255;

/** A domain name as read from the message: its raw octets, length, and the bytes it took in place. */
export interface Name {
  /** The expanded name as raw octets (Latin-1 string), or a `<…>` marker. */
  raw: string;
  /** Bytes the name occupies where it was read (up to and including a first pointer). */
  used: number;
}

/**
 * Expands a (possibly compressed) name at `off` (Wireshark's expand_dns_name/get_dns_name):
 * bad label types and names shorter than their encoding allows are malformed; pointer loops
 * and over-long names become markers instead of errors.
 */
export function readName(tvb: Tvb, off: number, msgStart: number): Name {
  const start = off;
  let out = '';
  let room = MAX_NAME;
  let first = true;
  let used = -1;
  let pointers = 0;
  let marker: string | null = null;
  for (;;) {
    const len = tvb.u8(off);
    off++;
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0x00) {
      if (!first) {
        if (room > 0) {
          out += '.';
          room--;
        }
      } else {
        room--;
      }
      first = false;
      tvb.need(off, len);
      for (let i = 0; i < len; i++) {
        if (room > 0) {
          out += String.fromCharCode(tvb.bytes[off + i] as number);
          room--;
        }
      }
      off += len;
    } else if (kind === 0x40) {
      if ((len & 0x3f) === 0x01) {
        // RFC 2673 bit-string label: \[x<hex>/<bits>]
        const bits = tvb.u8(off);
        off++;
        const n = Math.floor((bits - 1) / 8) + 1;
        let s = '\\[x';
        for (let i = 0; i < n; i++) s += (tvb.u8(off + i) as number).toString(16).padStart(2, '0');
        s += `/${bits}]`;
        off += n;
        if (room > 0) {
          if (s.length <= room) {
            out += s;
            room -= s.length;
          } else room = 0;
        }
        first = false;
      } else {
        marker = '<Unknown extended label>';
        used = off - start;
        break;
      }
    } else if (kind === 0x80) {
      throw new MalformedError('Malformed Packet', off - 1);
    } else {
      const target = msgStart + (((len & 0x3f) << 8) | tvb.u8(off));
      off++;
      pointers++;
      if (used < 0) used = off - start;
      if (target === off + 2 || pointers > MAX_NAME) {
        marker = '<Name contains a pointer that loops>';
        break;
      }
      off = target;
    }
  }
  if (used < 0) used = off - start;
  if (marker === null && room <= 0) marker = '<Name too long>';
  const raw = marker ?? out;
  if (raw === '' && used <= 2) return { raw: '<Root>', used };
  if (used < 2 || (used > 2 && raw === '')) throw new MalformedError('Malformed Packet', start);
  return { raw, used };
}

/** Appends to the RR subtree's label, as Wireshark's proto_item_append_text. */
export function appendLabel(ctx: RdataCtx, s: string): void {
  if (!ctx.tree.full) return;
  const node = ctx.tree.current();
  if (node) node.label = `${node.label ?? ''}${s}`;
}

/** A name inside RDATA: adds it as `def` and returns its text and the bytes it took. */
export function rdName(ctx: RdataCtx, def: FieldDef, at: number): { text: string; used: number } {
  const n = readName(ctx.tvb, at, ctx.msg);
  const text = nameText(n.raw);
  ctx.tree.add(def, ctx.tvb, at, n.used, text);
  return { text, used: n.used };
}

/** Owner name as Wireshark's `%s` prints its raw octets (cut at a NUL). */
export function cString(raw: string): string {
  const z = raw.indexOf('\0');
  return z < 0 ? raw : raw.slice(0, z);
}

/** An NSEC type bit map (RFC 4034 4.1.2): each type present shows as a Type field. */
export function typeBitmap(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  let p = at;
  let left = len;
  while (left > 0) {
    const block = tvb.u8(p);
    const size = tvb.u8(p + 1);
    p += 2;
    left -= 2;
    let type = block * 256;
    for (let k = 0; k < size; k++, p++, left--) {
      const bits = tvb.u8(p);
      for (let mask = 0x80; mask > 0; mask >>= 1, type++) {
        if ((bits & mask) === 0) continue;
        tree.add(R['resp.type'], tvb, p, 1, type);
        if (tree.full) tree.labelLast(`RR type in bit map: ${TYPE_LONG.get(type) ?? `Unknown (${type})`}`);
      }
    }
  }
}

/** An ENC_ASCII string value from Latin-1 coded bytes: each byte above 0x7f is U+FFFD. */
export function asciiText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x80 ? s[i] : '\ufffd';
  }
  return out;
}

/** An ENC_ASCII string item: up to its first NUL, with a note when other bytes follow the NUL. */
export function asciiItem(ctx: RdataCtx, def: FieldDef, at: number, len: number): void {
  const { tvb, tree } = ctx;
  tvb.need(at, len);
  const f = asciiField(tvb.bytes, at, at + len);
  if (!f.stray) {
    tree.add(def, tvb, at, len, f.value);
    return;
  }
  tree.push(def, tvb, at, len, f.value);
  strayNote(ctx.pinfo, tree, tvb, at, len);
  tree.pop();
}

/** A name's text as tshark shows it: format_text of its octets (bad UTF-8 is U+FFFD). */
export function nameText(raw: string): string {
  let simple = true;
  for (let i = 0; i < raw.length && simple; i++) {
    const c = raw.charCodeAt(i);
    simple = c >= 0x20 && c < 0x7f;
  }
  if (simple) return raw;
  const b = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) b[i] = raw.charCodeAt(i);
  return tvbFormatText(b, 0, b.length);
}

/** Type numbers decoded here. */
const RT = {
  WKS: 11, RP: 17, AFSDB: 18, X25: 19, ISDN: 20, RT: 21, NSAP: 22, NSAP_PTR: 23, SIG: 24, KEY: 25,
  PX: 26, GPOS: 27, LOC: 29, NXT: 30, NAPTR: 35, KX: 36, CERT: 37, A6: 38, APL: 42, DS: 43,
  SSHFP: 44, IPSECKEY: 45, RRSIG: 46, DNSKEY: 48, DHCID: 49, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52,
  HIP: 55, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65,
  NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250, CAA: 257,
  DLV: 32769, WINS: 65281, WINS_R: 65282, XPF: 65422,
} as const; // prettier-ignore

/**
 * Decodes the data of a record of `type` at `at` (`len` bytes; `owner` is the record's raw name)
 * when it is one of the types here; false when it is not.
 */
export function decodeRdata(ctx: RdataCtx, type: number, at: number, len: number, owner: string): boolean {
  const decoder = DECODERS.get(type);
  if (!decoder) return false;
  decoder(ctx, at, len, owner, type);
  return true;
}

type Decoder = (ctx: RdataCtx, at: number, len: number, owner: string, type: number) => void;

/** Types whose Info text is the record's owner name. */
const OWNER_IN_INFO = new Set<number>([
  RT.NSEC3PARAM, RT.TLSA, RT.DHCID, RT.APL, RT.RP, RT.AFSDB, RT.X25, RT.ISDN, RT.RT, RT.HIP,
  RT.NSAP, RT.NSAP_PTR, RT.PX, RT.GPOS,
]); // prettier-ignore

const DECODERS = new Map<number, Decoder>([
  [RT.RRSIG, rrsigRecord],
  [RT.SIG, rrsigRecord],
  [RT.DNSKEY, dnskeyRecord],
  [RT.CDNSKEY, dnskeyRecord],
  [RT.KEY, keyRecord],
  [RT.DS, dsRecord],
  [RT.CDS, dsRecord],
  [RT.DLV, dsRecord],
  [RT.NSEC3, nsec3Record],
  [RT.NSEC3PARAM, nsec3ParamRecord],
  [RT.TLSA, tlsaRecord],
  [RT.SSHFP, sshfpRecord],
  [RT.CAA, caaRecord],
  [RT.NAPTR, naptrRecord],
  [RT.SVCB, svcbRecord],
  [RT.HTTPS, svcbRecord],
  [RT.LOC, locRecord],
  [RT.TSIG, tsigRecord],
  [RT.TKEY, tkeyRecord],
  [RT.CERT, certRecord],
  [RT.IPSECKEY, ipseckeyRecord],
  [RT.DHCID, (ctx, at, len) => addBytes(ctx, R['dhcid.rdata'], at, len)],
  [RT.OPENPGPKEY, openpgpkeyRecord],
  [RT.CSYNC, csyncRecord],
  [RT.ZONEMD, zonemdRecord],
  [RT.APL, aplRecord],
  [RT.WKS, wksRecord],
  [RT.RP, (ctx, at) => twoNames(ctx, at, R['rp.mailbox'], R['rp.txt_rr'])],
  [RT.AFSDB, (ctx, at) => prefAndName(ctx, at, R['afsdb.subtype'], R['afsdb.hostname'])],
  [RT.RT, (ctx, at) => prefAndName(ctx, at, R['rt.subtype'], R['rt.intermediate_host'])],
  [RT.KX, kxRecord],
  [RT.X25, (ctx, at) => void lengthString(ctx, at, R['x25.length'], R['x25.psdn_address'])],
  [RT.ISDN, isdnRecord],
  [RT.A6, a6Record],
  [RT.EUI48, (ctx, at) => ctx.tree.add(R.eui48, ctx.tvb, at, 6)],
  [RT.EUI64, eui64Record],
  [RT.HIP, hipRecord],
  [RT.NID, (ctx, at) => ilnpRecord(ctx, at, R['ilnp.nid.preference'], R['ilnp.nid'], 8)],
  [RT.L32, (ctx, at) => ilnpRecord(ctx, at, R['ilnp.l32.preference'], R['ilnp.l32'], 4)],
  [RT.L64, (ctx, at) => ilnpRecord(ctx, at, R['ilnp.l64.preference'], R['ilnp.l64'], 8)],
  [RT.LP, (ctx, at) => prefAndName(ctx, at, R['ilnp.lp.preference'], R['ilnp.lp'])],
  [RT.NSAP, (ctx, at, len) => addBytes(ctx, R['nsap.rdata'], at, len)],
  [RT.NSAP_PTR, (ctx, at) => void rdName(ctx, R['nsap_ptr.owner'], at)],
  [RT.PX, pxRecord],
  [RT.GPOS, gposRecord],
  [RT.NXT, nxtRecord],
  [RT.WINS, winsRecord],
  [RT.WINS_R, winsrRecord],
  [RT.XPF, xpfRecord],
]);

for (const type of OWNER_IN_INFO) {
  const decode = DECODERS.get(type);
  if (decode)
    DECODERS.set(type, (ctx, at, len, owner, t) => {
      ctx.info.add(` ${cString(owner)}`);
      decode(ctx, at, len, owner, t);
    });
}

/** An empty byte field: tshark shows and prints it as `<MISSING>`. */
export function missingBytes(tree: Tree, tvb: Tvb, def: FieldDef, at: number): void {
  tree.add(def, tvb, at, 0, '<MISSING>');
  if (tree.full) tree.labelLast(`${def.name}: <MISSING>`);
}

/** Bytes to the end of the data; an empty run shows as `<MISSING>`, as Wireshark shows it. */
function addBytes(ctx: RdataCtx, def: FieldDef, at: number, len: number): void {
  if (len < 0) throw new MalformedError('Malformed Packet', at);
  ctx.tvb.need(at, len);
  if (len > 0) ctx.tree.add(def, ctx.tvb, at, len);
  else missingBytes(ctx.tree, ctx.tvb, def, at);
}

function addU8(ctx: RdataCtx, def: FieldDef, at: number): number {
  const v = ctx.tvb.u8(at);
  ctx.tree.add(def, ctx.tvb, at, 1, v);
  return v;
}

function addU16(ctx: RdataCtx, def: FieldDef, at: number): number {
  const v = ctx.tvb.u16(at);
  ctx.tree.add(def, ctx.tvb, at, 2, v);
  return v;
}

function addU32(ctx: RdataCtx, def: FieldDef, at: number): number {
  const v = ctx.tvb.u32(at);
  ctx.tree.add(def, ctx.tvb, at, 4, v);
  return v;
}

/** A 32-bit count of seconds since the epoch, as an absolute time. */
function addTime(ctx: RdataCtx, def: FieldDef, at: number): void {
  ctx.tree.add(def, ctx.tvb, at, 4, formatAbsoluteUtc(ctx.tvb.u32(at), 0));
}

/** A one-byte length and the ASCII string it counts; returns the bytes taken. */
function lengthString(ctx: RdataCtx, at: number, lenDef: FieldDef, def: FieldDef): number {
  const n = addU8(ctx, lenDef, at);
  asciiItem(ctx, def, at + 1, n);
  return 1 + n;
}

function rrsigRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  addU16(ctx, R['rrsig.type_covered'], at);
  addU8(ctx, R['rrsig.algorithm'], at + 2);
  addU8(ctx, R['rrsig.labels'], at + 3);
  const ttl = addU32(ctx, R['rrsig.original_ttl'], at + 4);
  if (tree.full) tree.labelLast(`Original TTL: ${ttl} (${secondsText(ttl)})`);
  addTime(ctx, R['rrsig.signature_expiration'], at + 8);
  addTime(ctx, R['rrsig.signature_inception'], at + 12);
  addU16(ctx, R['rrsig.key_tag'], at + 16);
  const signer = rdName(ctx, R['rrsig.signers_name'], at + 18);
  const sig = at + 18 + signer.used;
  if (at + len > sig) tree.add(R['rrsig.signature'], tvb, sig, at + len - sig);
}

/** RFC 4034 Appendix B: the key tag of a DNSKEY's data (algorithm 1 takes bits of the modulus). */
export function keyTag(b: Uint8Array, at: number, len: number): number {
  if (b[at + 3] === 1) return len >= 4 ? ((b[at + len - 3] as number) << 8) | (b[at + len - 2] as number) : 0;
  let ac = 0;
  for (let i = 0; i < len; i++) ac += i & 1 ? (b[at + i] as number) : (b[at + i] as number) << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}

function dnskeyRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const flags = tvb.u16(at);
  tree.push(R['dnskey.flags'], tvb, at, 2, flags);
  for (const def of [
    R['dnskey.flags.zone_key'],
    R['dnskey.flags.key_revoked'],
    R['dnskey.flags.secure_entry_point'],
  ])
    tree.add(def, tvb, at, 2, (flags & (def.mask as number)) !== 0);
  tree.add(R['dnskey.flags.reserved'], tvb, at, 2, (flags & 0xfe7e) >> 1);
  tree.pop();
  addU8(ctx, R['dnskey.protocol'], at + 2);
  addU8(ctx, R['dnskey.algorithm'], at + 3);
  tree.add(R['dnskey.key_id'], tvb, at, len, keyTag(tvb.bytes, at, len));
  addBytes(ctx, R['dnskey.public_key'], at + 4, len - 4);
}

/** KEY (RFC 2535): flags of its own; with both "Not Allowed" bits set there is no key. */
function keyRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const flags = tvb.u16(at);
  const bit = (def: FieldDef): void => tree.add(def, tvb, at, 2, (flags & (def.mask as number)) !== 0);
  tree.push(R['key.flags'], tvb, at, 2, flags);
  bit(R['key.flags.authentication']);
  bit(R['key.flags.confidentiality']);
  const hasKey = (flags & 0xc000) !== 0xc000;
  if (hasKey) {
    bit(R['key.flags.required']);
    bit(R['key.flags.associated_user']);
    bit(R['key.flags.associated_named_entity']);
    bit(R['key.flags.ipsec']);
    bit(R['key.flags.mime']);
    tree.add(R['key.flags.signatory'], tvb, at, 2, flags & 0xf);
  }
  tree.pop();
  addU8(ctx, R['key.protocol'], at + 2);
  addU8(ctx, R['key.algorithm'], at + 3);
  tree.add(R['key.key_id'], tvb, at, len, keyTag(tvb.bytes, at, len));
  if (hasKey) addBytes(ctx, R['key.public_key'], at + 4, len - 4);
}

function dsRecord(ctx: RdataCtx, at: number, len: number): void {
  addU16(ctx, R['ds.key_id'], at);
  addU8(ctx, R['ds.algorithm'], at + 2);
  addU8(ctx, R['ds.digest_type'], at + 3);
  addBytes(ctx, R['ds.digest'], at + 4, len - 4);
}

/** The hash algorithm, flags, iterations and salt NSEC3 and NSEC3PARAM share; returns the bytes taken. */
function nsec3Params(ctx: RdataCtx, at: number, flagBits: boolean): number {
  const { tvb, tree } = ctx;
  addU8(ctx, R['nsec3.algo'], at);
  const flags = tvb.u8(at + 1);
  if (flagBits) {
    tree.push(R['nsec3.flags'], tvb, at + 1, 1, flags);
    tree.add(R['nsec3.flags.opt_out'], tvb, at + 1, 1, (flags & 1) !== 0);
    tree.pop();
  } else tree.add(R['nsec3.flags'], tvb, at + 1, 1, flags);
  addU16(ctx, R['nsec3.iterations'], at + 2);
  const salt = addU8(ctx, R['nsec3.salt_length'], at + 4);
  addBytes(ctx, R['nsec3.salt_value'], at + 5, salt);
  return 5 + salt;
}

function nsec3Record(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  let p = at + nsec3Params(ctx, at, true);
  const hashLen = addU8(ctx, R['nsec3.hash_length'], p);
  p++;
  tvb.need(p, hashLen);
  tree.add(R['nsec3.hash_value'], tvb, p, hashLen, base32hex(tvb.bytes, p, hashLen));
  p += hashLen;
  typeBitmap(ctx, p, at + len - p);
}

function nsec3ParamRecord(ctx: RdataCtx, at: number): void {
  nsec3Params(ctx, at, false);
}

/** RFC 4648 base32 with the extended hex alphabet, unpadded (NSEC3 owner hashes). */
export function base32hex(b: Uint8Array, at: number, len: number): string {
  const digits = '0123456789abcdefghijklmnopqrstuv';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    acc = ((acc << 8) | (b[at + i] as number)) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += digits[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += digits[(acc << (5 - bits)) & 31];
  return out;
}

function tlsaRecord(ctx: RdataCtx, at: number, len: number): void {
  addU8(ctx, R['tlsa.certificate_usage'], at);
  addU8(ctx, R['tlsa.selector'], at + 1);
  addU8(ctx, R['tlsa.matching_type'], at + 2);
  addBytes(ctx, R['tlsa.certificate_association_data'], at + 3, len - 3);
}

function sshfpRecord(ctx: RdataCtx, at: number, len: number): void {
  addU8(ctx, R['sshfp.algorithm'], at);
  addU8(ctx, R['sshfp.fingerprint.type'], at + 1);
  if (len > 2) ctx.tree.add(R['sshfp.fingerprint'], ctx.tvb, at + 2, len - 2);
}

/** The CAA property a tag names: a tag that begins the property's name counts as it (strncmp). */
function caaProperty(tag: string): FieldDef {
  if ('issue'.startsWith(tag)) return R['caa.issue'];
  if ('issuewild'.startsWith(tag)) return R['caa.issuewild'];
  if ('iodef'.startsWith(tag)) return R['caa.iodef'];
  return R['caa.unknown'];
}

function caaRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const flags = tvb.u8(at);
  tree.push(R['caa.flags'], tvb, at, 1, flags);
  tree.add(R['caa.flags.issuer_critical'], tvb, at, 1, (flags & 0x80) !== 0);
  tree.pop();
  const tagLen = tvb.u8(at + 1);
  const tag = tvb.ascii(at + 2, tagLen);
  const valueAt = at + 2 + tagLen;
  const valueLen = at + len - valueAt;
  if (valueLen < 0) throw new MalformedError('Malformed Packet', valueAt);
  const value = asciiText(tvb.ascii(valueAt, valueLen));
  tree.push(caaProperty(tag), tvb, at + 1, len - 1, value);
  tree.add(R['caa.tag_length'], tvb, at + 1, 1, tagLen);
  tree.add(R['caa.tag'], tvb, at + 2, tagLen, asciiText(tag));
  tree.add(R['caa.value'], tvb, valueAt, valueLen, value);
  tree.pop();
}

function naptrRecord(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  const order = addU16(ctx, R['naptr.order'], at);
  const pref = addU16(ctx, R['naptr.preference'], at + 2);
  let p = at + 4;
  const flagsLen = tvb.u8(p);
  p += lengthString(ctx, p, R['naptr.flags_length'], R['naptr.flags']);
  p += lengthString(ctx, p, R['naptr.service_length'], R['naptr.service']);
  p += lengthString(ctx, p, R['naptr.regex_length'], R['naptr.regex']);
  // The replacement's length is that of its text, shown before it (`<Root>` counts 6).
  const replacement = nameText(readName(tvb, p, ctx.msg).raw);
  tree.add(R['naptr.replacement_length'], tvb, p, 0, replacement.length);
  rdName(ctx, R['naptr.replacement'], p);
  const flags = formatAsciiText(tvb.bytes, at + 5, at + 5 + flagsLen);
  ctx.info.add(` ${order} ${pref} ${flags}`);
  appendLabel(ctx, `, order ${order}, preference ${pref}, flags ${flags}`);
}

function svcbRecord(ctx: RdataCtx, at: number, len: number): void {
  addU16(ctx, R['svcb.svcpriority'], at);
  const target = rdName(ctx, R['svcb.targetname'], at + 2);
  let p = at + 2 + target.used;
  const end = at + len;
  while (p < end) p += svcParam(ctx, p);
}

/** One SvcParam (RFC 9460 section 2.2): a subtree labelled `key=value`; returns the bytes taken. */
function svcParam(ctx: RdataCtx, at: number): number {
  const { tvb, tree } = ctx;
  const key = tvb.u16(at);
  const len = tvb.u16(at + 2);
  tvb.need(at + 4, len);
  tree.push(R['svcb.svcparam'], tvb, at, 4 + len);
  tree.add(R['svcb.svcparam.key'], tvb, at, 2, key);
  tree.add(R['svcb.svcparam.value.length'], tvb, at + 2, 2, len);
  const value = svcValue(ctx, key, at + 4, len);
  const keyText = SVC_KEYS.get(key) ?? `key${key}`;
  if (tree.full) tree.label(`SvcParam: ${keyText}${value === '' ? '' : `=${value}`}`);
  tree.pop();
  return 4 + len;
}

/** A SvcParamValue's items; returns its presentation text. */
function svcValue(ctx: RdataCtx, key: number, at: number, len: number): string {
  const { tvb, tree } = ctx;
  const end = at + len;
  const parts: string[] = [];
  switch (key) {
    case 0:
      for (let p = at; p + 2 <= end; p += 2)
        parts.push(SVC_KEYS.get(addU16(ctx, R['svcb.svcparam.mandatory.key'], p)) ?? `key${tvb.u16(p)}`);
      return parts.join(',');
    case 1:
      for (let p = at; p < end;) {
        const n = tvb.u8(p);
        parts.push(formatAsciiText(tvb.bytes, p + 1, p + 1 + n));
        p += lengthString(ctx, p, R['svcb.svcparam.alpn.length'], R['svcb.svcparam.alpn']);
      }
      return parts.join(',');
    case 2:
      return '';
    case 3:
      return String(addU16(ctx, R['svcb.svcparam.port'], at));
    case 4:
      for (let p = at; p + 4 <= end; p += 4)
        parts.push(formatIPv4(addU32(ctx, R['svcb.svcparam.ipv4hint.ip'], p)));
      return parts.join(',');
    case 5:
    case 32769: {
      const def = key === 5 ? R['svcb.svcparam.echconfig'] : R['svcb.svcparam.odohconfig'];
      const b64 = base64(tvb.bytes, at, len);
      tree.add(def, tvb, at, len);
      if (tree.full) tree.labelLast(`${def.name}: ${b64}`);
      return b64;
    }
    case 6:
      for (let p = at; p + 16 <= end; p += 16) {
        tree.add(R['svcb.svcparam.ipv6hint.ip'], tvb, p, 16);
        parts.push(formatIPv6(tvb.bytes, p));
      }
      return parts.join(',');
    default:
      if (len > 0) tree.add(R['svcb.svcparam.value'], tvb, at, len);
      return formatAsciiText(tvb.bytes, at, end);
  }
}

/** RFC 4648 base64 with padding. */
export function base64(b: Uint8Array, at: number, len: number): string {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < len; i += 3) {
    const n = Math.min(3, len - i);
    const v =
      ((b[at + i] as number) << 16) |
      ((n > 1 ? (b[at + i + 1] as number) : 0) << 8) |
      (n > 2 ? (b[at + i + 2] as number) : 0);
    out += digits[(v >> 18) & 63] ?? '';
    out += digits[(v >> 12) & 63] ?? '';
    out += n > 1 ? (digits[(v >> 6) & 63] ?? '') : '=';
    out += n > 2 ? (digits[v & 63] ?? '') : '=';
  }
  return out;
}

/** C's `%g`: six significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
export function gFormat(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** RFC 1876 size/precision byte: mantissa and power of ten in centimetres, shown in metres. */
const locSize = (v: number): string => `${gFormat(((v >> 4) * 10 ** (v & 0x0f)) / 100)} m`;

/** RFC 1876 latitude or longitude: thousandths of an arc second from 2^31. */
function locAngle(raw: number, limitDeg: number, pos: string, neg: string): string {
  const v = raw - 0x80000000;
  const abs = Math.abs(v);
  if (abs > limitDeg * 3600000) return 'Value out of range';
  const ms = abs % 1000;
  const secs = Math.floor(abs / 1000) % 60;
  const mins = Math.floor(abs / 60000) % 60;
  const deg = Math.floor(abs / 3600000);
  return `${deg} deg ${mins} min ${secs}.${String(ms).padStart(3, '0')} sec ${v < 0 ? neg : pos}`;
}

function locRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tree } = ctx;
  const version = addU8(ctx, R['loc.version'], at);
  if (version !== 0) {
    addBytes(ctx, R['loc.unknown_data'], at, len);
    return;
  }
  const sized = (def: FieldDef, p: number): void => {
    const v = addU8(ctx, def, p);
    if (tree.full) tree.labelLast(`${def.name}: ${v} (${locSize(v)})`);
  };
  sized(R['loc.size'], at + 1);
  sized(R['loc.horizontal_precision'], at + 2);
  sized(R['loc.vertical_precision'], at + 3);
  const lat = addU32(ctx, R['loc.latitude'], at + 4);
  if (tree.full) tree.labelLast(`Latitude: ${lat} (${locAngle(lat, 90, 'N', 'S')})`);
  const lon = addU32(ctx, R['loc.longitude'], at + 8);
  if (tree.full) tree.labelLast(`Longitude: ${lon} (${locAngle(lon, 180, 'E', 'W')})`);
  const alt = addU32(ctx, R['loc.altitude'], at + 12);
  if (tree.full) tree.labelLast(`Altitude: ${alt} (${gFormat((alt - 10000000) / 100)} m)`);
}

function tsigRecord(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  const alg = rdName(ctx, R['tsig.algorithm_name'], at);
  let p = at + alg.used;
  const signed = tvb.u16(p) * 2 ** 32 + tvb.u32(p + 2);
  tree.add(R['tsig.time_signed'], tvb, p, 6, formatAbsoluteUtc(signed, 0));
  p += 6;
  addU16(ctx, R['tsig.fudge'], p);
  const macSize = addU16(ctx, R['tsig.mac_size'], p + 2);
  p += 4;
  tvb.need(p, macSize);
  tree.push(R['tsig.mac'], tvb, p, macSize);
  expert(ctx.pinfo, tree, tvb, p, macSize, 'Warning', 'Undecoded', `No dissector for algorithm:${alg.text}`);
  tree.pop();
  p += macSize;
  addU16(ctx, R['tsig.original_id'], p);
  addU16(ctx, R['tsig.error'], p + 2);
  const other = addU16(ctx, R['tsig.other_len'], p + 4);
  if (other > 0) addBytes(ctx, R['tsig.other_data'], p + 6, other);
}

function tkeyRecord(ctx: RdataCtx, at: number): void {
  const alg = rdName(ctx, R['tkey.algo_name'], at);
  let p = at + alg.used;
  addTime(ctx, R['tkey.signature_inception'], p);
  addTime(ctx, R['tkey.signature_expiration'], p + 4);
  addU16(ctx, R['tkey.mode'], p + 8);
  addU16(ctx, R['tkey.error'], p + 10);
  const keySize = addU16(ctx, R['tkey.key_size'], p + 12);
  p += 14;
  if (keySize > 0) addBytes(ctx, R['tkey.key_data'], p, keySize);
  p += keySize;
  const other = addU16(ctx, R['tkey.other_size'], p);
  if (other > 0) addBytes(ctx, R['tkey.other_data'], p + 2, other);
}

function certRecord(ctx: RdataCtx, at: number, len: number): void {
  addU16(ctx, R['cert.type'], at);
  addU16(ctx, R['cert.key_tag'], at + 2);
  addU8(ctx, R['cert.algorithm'], at + 4);
  addBytes(ctx, R['cert.certificate'], at + 5, len - 5);
}

function ipseckeyRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  addU8(ctx, R['ipseckey.gateway_precedence'], at);
  const gwType = addU8(ctx, R['ipseckey.gateway_type'], at + 1);
  addU8(ctx, R['ipseckey.gateway_algorithm'], at + 2);
  let p = at + 3;
  if (gwType === 1) {
    p += 4;
    addU32(ctx, R['ipseckey.gateway_ipv4'], at + 3);
  } else if (gwType === 2) {
    tvb.need(p, 16);
    tree.add(R['ipseckey.gateway_ipv6'], tvb, p, 16);
    p += 16;
  } else if (gwType === 3) {
    p += rdName(ctx, R['ipseckey.gateway_dns'], p).used;
  }
  addBytes(ctx, R['ipseckey.public_key'], p, at + len - p);
}

function openpgpkeyRecord(ctx: RdataCtx, at: number, len: number): void {
  ctx.tvb.need(at, len);
  ctx.tree.add(R.openpgpkey, ctx.tvb, at, len, asciiText(ctx.tvb.ascii(at, len)));
}

function csyncRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  addU32(ctx, R['csync.soa'], at);
  const flags = tvb.u16(at + 4);
  tree.push(R['csync.flags'], tvb, at + 4, 2, flags);
  tree.add(R['csync.flags.immediate'], tvb, at + 4, 2, (flags & 1) !== 0);
  tree.add(R['csync.flags.soaminimum'], tvb, at + 4, 2, (flags & 2) !== 0);
  tree.pop();
  addBytes(ctx, R['csync.type_bitmap'], at + 6, len - 6);
  typeBitmap(ctx, at + 6, len - 6);
}

function zonemdRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tree } = ctx;
  addU32(ctx, R['zonemd.serial'], at);
  const scheme = addU8(ctx, R['zonemd.scheme'], at + 4);
  if (tree.full) tree.labelLast(`Scheme: ${rangeName(ZONEMD_SCHEMES, scheme)} (${scheme})`);
  const hash = addU8(ctx, R['zonemd.hash_algo'], at + 5);
  if (tree.full) tree.labelLast(`Hash Algorithm: ${rangeName(ZONEMD_HASHES, hash)} (${hash})`);
  addBytes(ctx, R['zonemd.digest'], at + 6, len - 6);
}

/** `n` address bytes at `at`, zero-filled to `size` (APL and client-subnet prefixes). */
export function paddedAddress(b: Uint8Array, at: number, n: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(b.subarray(at, at + Math.min(n, size)));
  return out;
}

function aplRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const end = at + len;
  for (let p = at; p < end;) {
    const family = addU16(ctx, R['apl.address_family'], p);
    addU8(ctx, R['apl.coded_prefix'], p + 2);
    const b = tvb.u8(p + 3);
    tree.add(R['apl.negation'], tvb, p + 3, 1, (b & 0x80) !== 0);
    const n = b & 0x7f;
    tree.add(R['apl.afdlength'], tvb, p + 3, 1, n);
    p += 4;
    tvb.need(p, n);
    if (family === 1) {
      const a = paddedAddress(tvb.bytes, p, n, 4);
      tree.add(
        R['apl.afdpart.ipv4'],
        tvb,
        p,
        n,
        (((a[0] as number) << 24) | ((a[1] as number) << 16) | ((a[2] as number) << 8) | (a[3] as number)) >>>
          0,
      );
    } else if (family === 2) {
      const a = paddedAddress(tvb.bytes, p, n, 16);
      tree.add(R['apl.afdpart.ipv6'], tvb, p, n, formatIPv6(a, 0));
      if (tree.full) tree.labelLast(`Address: ${formatIPv6(a, 0)}`);
    } else tree.add(R['apl.afdpart.data'], tvb, p, n);
    p += n;
  }
}

/** WKS: each non-zero byte of the bit map as one item naming the ports its bits stand for. */
function wksRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const addr = addU32(ctx, R['wks.address'], at);
  const s = formatIPv4(addr);
  ctx.info.add(` ${s}`);
  appendLabel(ctx, `, addr ${s}`);
  addU8(ctx, R['wks.protocol'], at + 4);
  for (let i = 0; i < len - 5; i++) {
    const p = at + 5 + i;
    const bits = tvb.u8(p);
    if (bits === 0) continue;
    const ports: number[] = [];
    for (let k = 0; k < 8; k++) if (bits & (0x80 >> k)) ports.push(i * 8 + k);
    tree.add(R['wks.bits'], tvb, p, 1, bits);
    if (tree.full) tree.labelLast(`Bits: 0x${bits.toString(16).padStart(2, '0')} (${ports.join(', ')})`);
  }
}

function twoNames(ctx: RdataCtx, at: number, first: FieldDef, second: FieldDef): void {
  const a = rdName(ctx, first, at);
  rdName(ctx, second, at + a.used);
}

function prefAndName(
  ctx: RdataCtx,
  at: number,
  prefDef: FieldDef,
  nameDef: FieldDef,
): { pref: number; text: string } {
  const pref = addU16(ctx, prefDef, at);
  return { pref, text: rdName(ctx, nameDef, at + 2).text };
}

function kxRecord(ctx: RdataCtx, at: number): void {
  const { pref, text: name } = prefAndName(ctx, at, R['kx.preference'], R['kx.key_exchange']);
  ctx.info.add(` ${pref} ${name}`);
  appendLabel(ctx, `, preference ${pref}, kx ${name}`);
}

function isdnRecord(ctx: RdataCtx, at: number, len: number): void {
  const used = lengthString(ctx, at, R['idsn.length'], R['idsn.address']);
  if (used < len) lengthString(ctx, at + used, R['idsn.sa.length'], R['idsn.sa.address']);
}

/** A6 (RFC 2874): prefix length, the address suffix's bytes, and the prefix's name. */
function a6Record(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  const prefix = addU8(ctx, R['a6.prefix_len'], at);
  const suffixBits = 128 - prefix;
  const n = suffixBits > 0 ? ((suffixBits - 1) >> 3) + 1 : 0;
  tvb.need(at + 1, n);
  const addr = new Uint8Array(16);
  addr.set(tvb.bytes.subarray(at + 1, at + 1 + n), 16 - n);
  const suffix = formatIPv6(addr, 0);
  tree.add(R['a6.address_suffix'], tvb, at + 1, n, suffix);
  if (tree.full) tree.labelLast(`Address Suffix: ${suffix}`);
  const name = prefix > 0 ? rdName(ctx, R['a6.prefix_name'], at + 1 + n).text : '';
  ctx.info.add(` ${prefix} ${suffix} ${name}`);
  appendLabel(ctx, `, addr ${prefix} ${suffix} ${name}`);
}

/** EUI-64 with its OUI's vendor name, as Wireshark resolves it. */
function eui64Record(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  tvb.need(at, 8);
  const hex = `${formatMac(tvb.bytes, at)}:${formatHex(tvb.bytes, at + 6, 1)}:${formatHex(tvb.bytes, at + 7, 1)}`;
  tree.add(R.eui64, tvb, at, 8, hex);
  const vendor = macName(ouiAddress(tvb.bytes, at), 0);
  const cut = vendor?.indexOf('_') ?? -1;
  if (tree.full && vendor !== undefined && cut > 0)
    tree.labelLast(`EUI64 Address: ${vendor.slice(0, cut)}_${hex.slice(9)} (${hex})`);
}

/** The OUI at `at` as a MAC address unlikely to have a name of its own: its name is the vendor's. */
const ouiAddress = (b: Uint8Array, at: number): Uint8Array =>
  Uint8Array.of(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, 0xfe, 0xfd, 0xfc);

function hipRecord(ctx: RdataCtx, at: number, len: number): void {
  const hitLen = addU8(ctx, R['hip.hit.length'], at);
  addU8(ctx, R['hip.hit.pk.algo'], at + 1);
  const pkLen = addU16(ctx, R['hip.pk.length'], at + 2);
  let p = at + 4;
  addBytes(ctx, R['hip.hit'], p, hitLen);
  p += hitLen;
  addBytes(ctx, R['hip.pk'], p, pkLen);
  p += pkLen;
  while (p < at + len) p += rdName(ctx, R['hip.rendezvous_server'], p).used;
}

function ilnpRecord(ctx: RdataCtx, at: number, prefDef: FieldDef, def: FieldDef, size: number): void {
  addU16(ctx, prefDef, at);
  if (def.type === FieldType.IPv4) addU32(ctx, def, at + 2);
  else addBytes(ctx, def, at + 2, size);
}

function pxRecord(ctx: RdataCtx, at: number): void {
  addU16(ctx, R['px.preference'], at);
  twoNames(ctx, at + 2, R['px.map822'], R['px.map400']);
}

function gposRecord(ctx: RdataCtx, at: number): void {
  let p = at;
  p += lengthString(ctx, p, R['gpos.longitude_length'], R['gpos.longitude']);
  p += lengthString(ctx, p, R['gpos.latitude_length'], R['gpos.latitude']);
  lengthString(ctx, p, R['gpos.altitude_length'], R['gpos.altitude']);
}

/** NXT (RFC 2535): the next name, then a plain bit map of the types present (no windows). */
function nxtRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  const next = rdName(ctx, R['nxt.next_domain_name'], at);
  ctx.info.add(` ${next.text}`);
  appendLabel(ctx, `, next domain name ${next.text}`);
  const end = at + len;
  for (let p = at + next.used, type = 0; p < end; p++) {
    const bits = tvb.u8(p);
    for (let mask = 0x80; mask > 0; mask >>= 1, type++) {
      if ((bits & mask) === 0) continue;
      tree.add(R['resp.type'], tvb, p, 1, type);
      if (tree.full) tree.labelLast(`RR type in bit map: ${TYPE_LONG.get(type) ?? `Unknown (${type})`}`);
    }
  }
}

function winsRecord(ctx: RdataCtx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  tree.add(R['wins.local_flag'], tvb, at, 4, (tvb.u32(at) & 1) !== 0);
  addU32(ctx, R['wins.lookup_timeout'], at + 4);
  addU32(ctx, R['wins.cache_timeout'], at + 8);
  const count = addU32(ctx, R['wins.nb_wins_servers'], at + 12);
  for (let i = 0, p = at + 16; i < count && p + 4 <= at + len; i++, p += 4)
    addU32(ctx, R['wins.wins_server'], p);
}

function winsrRecord(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  tree.add(R['winsr.local_flag'], tvb, at, 4, (tvb.u32(at) & 1) !== 0);
  addU32(ctx, R['winsr.lookup_timeout'], at + 4);
  addU32(ctx, R['winsr.cache_timeout'], at + 8);
  const n = rdName(ctx, R['winsr.name_result_domain'], at + 12);
  ctx.info.add(` ${n.text}`);
  appendLabel(ctx, `, name result domain ${n.text}`);
}

/** XPF (draft-bellis-dnsop-xpf): the client's addresses and ports as a forwarder saw them. */
function xpfRecord(ctx: RdataCtx, at: number): void {
  const { tvb, tree } = ctx;
  const version = tvb.u8(at);
  tree.add(R['xpf.ip_version'], tvb, at, 1, version);
  addU8(ctx, R['xpf.protocol'], at + 1);
  let p = at + 2;
  if (version === 4) {
    addU32(ctx, R['xpf.source_ipv4'], p);
    addU32(ctx, R['xpf.destination_ipv4'], p + 4);
    p += 8;
  } else if (version === 6) {
    tvb.need(p, 32);
    tree.add(R['xpf.source_ipv6'], tvb, p, 16);
    tree.add(R['xpf.destination_ipv6'], tvb, p + 16, 16);
    p += 32;
  }
  addU16(ctx, R['xpf.sport'], p);
  addU16(ctx, R['xpf.dport'], p + 2);
}
