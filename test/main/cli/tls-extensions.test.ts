// TLS hello extensions tshark 4.0 decodes, on a built ClientHello and ServerHello (scapy):
// compress_certificate, application_settings (ALPS), delegated_credentials, pre_shared_key, an
// unknown type (ECH's 65037), with change_cipher_spec, application data and an alert after them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { trawl } from '../../support/corpus.ts';
import { fixture, haveTshark } from '../../support/tshark-oracle.ts';

const FILE = fixture('tls-extensions.pcap');
const FIELDS = [
  'tls.compress_certificate.algorithm',
  'tls.handshake.extensions_alps_alpn_str',
  'tls.handshake.sig_hash_alg',
  'tls.handshake.extensions.psk.identity.identity',
  'tls.handshake.extensions.psk.identity.obfuscated_ticket_age',
  'tls.handshake.extensions.psk.binders_len',
];

describe('TLS hello extensions', () => {
  it('decodes compress_certificate, ALPS, delegated credentials and the PSK identities', () => {
    const out = trawl(['-r', FILE, '-V']).stdout;
    expect(out).toContain('                Algorithm: brotli (2)\n');
    expect(out).toContain('                    Supported ALPN: h2\n');
    expect(out).toContain('            Extension: Unknown type 65037 (len=58)\n');
    expect(out).toContain('                        Obfuscated Ticket Age: 1\n');
  });

  it.skipIf(!haveTshark)('agrees with tshark, tree and fields', () => {
    const tshark = (args: string[]): string => spawnSync('tshark', args, { encoding: 'utf8' }).stdout;
    expect(trawl(['-r', FILE, '-V']).stdout).toBe(tshark(['-r', FILE, '-V']));
    const args = ['-r', FILE, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
    expect(trawl(args).stdout).toBe(tshark(args));
  });
});
