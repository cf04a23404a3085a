// The secrets a capture's dissectors decrypt with: NSS key log lines (from `-o tls.keylog_file`
// or a pcapng Decryption Secrets Block of type TLSK) and WireGuard key log lines (WGKL). One store
// per capture (CaptureState.secrets); empty, it costs the dissectors one check per session.

/** TLS and QUIC secrets of one session, by the key log's labels. */
export interface TlsSecrets {
  /** CLIENT_RANDOM: the TLS ≤ 1.2 master secret. */
  master?: Uint8Array;
  clientEarly?: Uint8Array;
  clientHandshake?: Uint8Array;
  serverHandshake?: Uint8Array;
  client0?: Uint8Array;
  server0?: Uint8Array;
}

const LABELS: Record<string, keyof TlsSecrets> = {
  CLIENT_RANDOM: 'master',
  CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarly',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  CLIENT_TRAFFIC_SECRET_0: 'client0',
  SERVER_TRAFFIC_SECRET_0: 'server0',
};

/** pcapng Decryption Secrets Block types (pcapng spec, secrets type). */
export const SECRETS_TLS_KEYLOG = 0x544c534b;
export const SECRETS_WIREGUARD_KEYLOG = 0x57474b4c;

function hexBytes(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A WireGuard key log entry (Wireshark's wg.keylog_file): a private key by its label. */
export interface WgKey {
  label:
    'LOCAL_STATIC_PRIVATE_KEY' | 'REMOTE_STATIC_PUBLIC_KEY' | 'LOCAL_EPHEMERAL_PRIVATE_KEY' | 'PRESHARED_KEY';
  key: Uint8Array;
}

export class SecretStore {
  private readonly tls = new Map<string, TlsSecrets>();
  readonly wireguard: WgKey[] = [];
  /** Bumped by every addition: a session that found no keys may look again. */
  generation = 0;

  /** True until a key log or secrets block gave something. */
  get empty(): boolean {
    return this.generation === 0;
  }

  /** Adds the lines of an NSS key log (comments and unknown lines are skipped, as Wireshark does). */
  addKeyLog(text: string): void {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [label, random, rawSecret] = line.split(/\s+/);
      // Wireshark's pattern is not anchored at the end: what follows the hex digits is ignored
      // (Wireshark's own test captures have a stray backslash there).
      const secret = rawSecret === undefined ? undefined : /^[0-9a-fA-F]*/.exec(rawSecret)?.[0];
      const field = label === undefined ? undefined : LABELS[label];
      if (field === undefined || random === undefined || secret === undefined) continue;
      const r = hexBytes(random);
      const s = hexBytes(secret);
      if (r?.length !== 32 || s === null || s.length === 0) continue;
      const key = random.toLowerCase();
      let entry = this.tls.get(key);
      if (!entry) {
        entry = {};
        this.tls.set(key, entry);
      }
      entry[field] = s;
      this.generation++;
    }
  }

  /** Adds a WireGuard key log (`LABEL = base64`). */
  addWireGuardKeyLog(text: string): void {
    for (const raw of text.split('\n')) {
      const m =
        /^\s*(LOCAL_STATIC_PRIVATE_KEY|REMOTE_STATIC_PUBLIC_KEY|LOCAL_EPHEMERAL_PRIVATE_KEY|PRESHARED_KEY)\s*=\s*([A-Za-z0-9+/=]+)\s*$/.exec(
          raw,
        );
      if (!m) continue;
      const key = base64(m[2] as string);
      if (key?.length !== 32) continue;
      this.wireguard.push({ label: m[1] as WgKey['label'], key });
      this.generation++;
    }
  }

  /** Adds the contents of a pcapng Decryption Secrets Block. */
  addBlock(type: number, data: Uint8Array): void {
    let text = '';
    for (const b of data) text += String.fromCharCode(b);
    if (type === SECRETS_TLS_KEYLOG) this.addKeyLog(text);
    else if (type === SECRETS_WIREGUARD_KEYLOG) this.addWireGuardKeyLog(text);
  }

  /** The secrets of the session whose ClientHello carried `clientRandom`. */
  tlsSecrets(clientRandom: Uint8Array): TlsSecrets | undefined {
    if (this.tls.size === 0) return undefined;
    let key = '';
    for (const b of clientRandom) key += b.toString(16).padStart(2, '0');
    return this.tls.get(key);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(s: string): Uint8Array | null {
  const clean = s.replace(/=+$/, '');
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const c of clean) {
    const v = B64.indexOf(c);
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}
