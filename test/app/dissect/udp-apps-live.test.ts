// Real DNS (UDP and TCP) and DHCP: dnsmasq serving both in a namespace, dig and busybox udhcpc
// from ours, tcpdump capturing the veth; Trawl's CLI must agree with tshark on the same file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trawl, CLI } from '../../support/corpus.ts';
import { sleep, vethPair, type VethPair } from '../../support/netns.ts';

const PROGRAMS = ['dnsmasq', 'dig', 'busybox', 'tcpdump', 'tshark'];
const have = (p: string): boolean => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;
const runnable = process.getuid?.() === 0 && PROGRAMS.every(have) && existsSync(CLI);

const FIELDS = [
  'frame.number',
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'dns.id',
  'dns.flags',
  'dns.flags.response',
  'dns.flags.rcode',
  'dns.qry.name',
  'dns.qry.type',
  'dns.qry.class',
  'dns.count.answers',
  'dns.count.auth_rr',
  'dns.count.add_rr',
  'dns.resp.name',
  'dns.resp.type',
  'dns.resp.ttl',
  'dns.a',
  'dns.aaaa',
  'dns.mx.preference',
  'dns.mx.mail_exchange',
  'dns.txt',
  'dns.srv.port',
  'dns.srv.target',
  'dns.soa.mname',
  'dns.rr.udp_payload_size',
  'dns.response_to',
  'dns.time',
  'dns.length',
  'dhcp.type',
  'dhcp.id',
  'dhcp.hw.mac_addr',
  'dhcp.ip.your',
  'dhcp.option.type',
  'dhcp.option.length',
  'dhcp.option.dhcp',
  'dhcp.option.requested_ip_address',
  'dhcp.option.dhcp_server_id',
  'dhcp.option.ip_address_lease_time',
  'dhcp.option.subnet_mask',
  'dhcp.option.router',
  'dhcp.option.request_list_item',
  'dhcp.option.end',
];

function fieldsArgs(file: string): string[] {
  return ['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
}

/** Rows of the DNS and DHCP frames only (the TCP handshake and ARP are other dissectors' work). */
function appRows(out: string): string[] {
  return out.split('\n').filter((l) => /\t[^\t]*:(dns|dhcp)\t/.test(l));
}

describe.skipIf(!runnable)('DNS and DHCP from dnsmasq, dig and udhcpc, against tshark', () => {
  let pair: VethPair;
  let dir: string;
  let dnsmasq: ChildProcess | null = null;
  let file = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trawl-udp-apps-'));
    pair = vethPair('t5dns', 158);
    const net = '10.244.158';
    dnsmasq = spawn(
      'ip',
      [
        'netns', 'exec', pair.ns, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null',
        '--no-resolv', '--no-hosts', `--interface=${pair.peer}`, '--bind-interfaces',
        `--pid-file=${dir}/dnsmasq.pid`, `--dhcp-leasefile=${dir}/leases`,
        '--local=/example.test/', '--address=/www.example.test/10.1.2.3',
        '--host-record=host.example.test,10.1.2.4,fd00::4',
        '--mx-host=example.test,mail.example.test,10',
        '--txt-record=example.test,"v=spf1 -all","second string"',
        '--srv-host=_ldap._tcp.example.test,ldap.example.test,389,1,5',
        `--dhcp-range=${net}.50,${net}.60,255.255.255.0,1h`, `--dhcp-option=3,${net}.2`,
      ],
      { stdio: 'ignore' },
    ); // prettier-ignore
    for (let i = 0; i < 50; i++) {
      if (pair.inNs('sh', ['-c', `ss -lun | grep -q '${pair.peerIp}:53'`]).status === 0) break;
      await sleep(100);
    }
    file = join(dir, 'apps.pcap');
    const dump = spawn(
      'tcpdump',
      ['--immediate-mode', '-Z', 'root', '-i', pair.host, '-U', '-n', '-w', file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
      dump.stderr?.on('data', (d: Buffer) => {
        if (d.toString().includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const dig = (...args: string[]): string =>
      spawnSync('dig', [`@${pair.peerIp}`, '+tries=1', '+time=3', ...args], {
        encoding: 'utf8',
        timeout: 15_000,
      }).stdout;
    expect(dig('A', 'www.example.test')).toContain('10.1.2.3');
    expect(dig('AAAA', 'host.example.test')).toContain('fd00::4');
    expect(dig('MX', 'example.test')).toContain('mail.example.test');
    expect(dig('TXT', 'example.test')).toContain('v=spf1');
    expect(dig('SRV', '_ldap._tcp.example.test')).toContain('ldap.example.test');
    expect(dig('A', 'missing.example.test')).toContain('NXDOMAIN');
    expect(dig('+tcp', 'A', 'host.example.test')).toContain('10.1.2.4');
    const dhcp = spawnSync(
      'busybox',
      ['udhcpc', '-i', pair.host, '-n', '-q', '-f', '-t', '5', '-T', '1', '-s', '/bin/true'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(`${dhcp.stdout}${dhcp.stderr}`).toMatch(/lease of 10\.244\.158\.\d+ obtained/);
    await sleep(300);
    const done = new Promise((resolve) => dump.on('exit', resolve));
    dump.kill('SIGINT');
    await done;
  }, 90_000);

  afterAll(() => {
    dnsmasq?.kill('SIGTERM');
    pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('agrees with tshark field for field on every DNS and DHCP frame', () => {
    const ours = trawl(fieldsArgs(file));
    expect(ours.status).toBe(0);
    const theirs = spawnSync('tshark', fieldsArgs(file), { encoding: 'utf8' }).stdout;
    const rows = appRows(theirs);
    expect(appRows(ours.stdout)).toEqual(rows);
    // The capture holds what the test is about: every query type, an NXDOMAIN, DNS over TCP and
    // a whole DHCP exchange.
    const text = rows.join('\n');
    for (const answer of [
      'A www.example.test A 10.1.2.3',
      'AAAA host.example.test AAAA fd00::4',
      'MX example.test MX 10 mail.example.test',
      'TXT example.test TXT',
      'SRV _ldap._tcp.example.test SRV 1 5 389 ldap.example.test',
    ])
      expect(text).toContain(answer);
    expect(text).toContain('No such name A missing.example.test');
    expect(text).toMatch(
      /tcp:dns\tDNS\tStandard query response 0x[0-9a-f]{4} A host\.example\.test A 10\.1\.2\.4/,
    );
    for (const step of ['Discover', 'Offer', 'Request', 'ACK']) expect(text).toContain(`DHCP ${step}`);
    expect(rows.length).toBeGreaterThanOrEqual(18);
  }, 60_000);
});
