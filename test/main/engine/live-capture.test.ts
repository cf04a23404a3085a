// The engine on a real capture (main/capture's ring backend): a veth pair into a namespace of
// this test's own, real pings across it, the packets in the list, exact counts, save, autostop
// and the interface deleted mid-capture. Needs root (CI runs as root).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureStatus, EngineEvent } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { openCapture } from '../../../main/pcap/read.ts';

const ROOT = process.getuid?.() === 0;
const NS = 'tw4e-eng';
const HOST = 'tw4e-eh';
const PEER = 'tw4e-ep';
const HOST_IP = '10.245.7.1';

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function teardown(): void {
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', HOST], { stdio: 'ignore' });
}

/**
 * Pings the host side from the namespace, without blocking the event loop (the engine must take
 * the batches as they come, as it would in the app; a blocked loop is JS falling behind).
 */
function ping(count: number): Promise<void> {
  const args = ['netns', 'exec', NS, 'ping', '-c', String(count), '-i', '0.05', '-W', '1', HOST_IP];
  return new Promise((resolve, reject) => {
    execFile('ip', args, (err, stdout, stderr) =>
      err ? reject(new Error(`ping failed: ${stdout}${stderr}`)) : resolve(),
    );
  });
}

async function packetsIn(path: string): Promise<number> {
  let n = 0;
  for await (const b of openCapture(path)) n += b.count;
  return n;
}

function until<T>(check: () => T | undefined | false, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const v = check();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error('timed out'));
      setTimeout(poll, 20);
    };
    poll();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ROOT)('live capture in the engine, on a real veth', () => {
  let dir: string;
  let cache: string | undefined;

  beforeAll(async () => {
    teardown();
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['link', 'add', HOST, 'type', 'veth', 'peer', 'name', PEER, 'netns', NS]);
    spawnSync('sysctl', ['-qw', `net.ipv6.conf.${HOST}.disable_ipv6=1`], { stdio: 'ignore' });
    sh('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.${PEER}.disable_ipv6=1`]);
    sh('ip', ['addr', 'add', `${HOST_IP}/24`, 'dev', HOST]);
    sh('ip', ['-n', NS, 'addr', 'add', '10.245.7.2/24', 'dev', PEER]);
    sh('ip', ['link', 'set', HOST, 'up']);
    sh('ip', ['-n', NS, 'link', 'set', PEER, 'up']);
    dir = mkdtempSync(join(tmpdir(), 'tw4e-engine-'));
    // Capture files go to the cache directory: this test's own.
    cache = process.env['XDG_CACHE_HOME'];
    process.env['XDG_CACHE_HOME'] = dir;
    await ping(1); // ARP settled before the counted pings
  });

  afterAll(() => {
    teardown();
    if (cache === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = cache;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the veth with its address and checks capture filters with libpcap', async () => {
    const engine = new Engine(() => {});
    const ifaces = await engine.handle('capture.interfaces', {});
    const veth = ifaces.find((i) => i.name === HOST);
    expect(veth).toMatchObject({ linkType: 1, flags: { up: true, loopback: false } });
    expect(veth?.addresses).toContain(HOST_IP);
    const { counters } = await engine.handle('capture.counters', {});
    expect(counters.find((c) => c.name === HOST)?.rxPackets).toBeGreaterThan(0);
    expect(await engine.handle('capture.validateFilter', { filter: 'icmp', iface: HOST })).toEqual({
      ok: true,
    });
    const bad = await engine.handle('capture.validateFilter', { filter: 'icmp and', iface: HOST });
    expect(bad).toEqual({ ok: false, message: expect.stringMatching(/syntax error/) });
  });

  it('captures real pings into the list and the file, exactly, then saves', async () => {
    const events: EngineEvent[] = [];
    const engine = new Engine((e) => events.push(e));
    const started = await engine.handle('capture.start', { options: { iface: HOST, filter: 'icmp' } });
    expect(started.path.startsWith(join(dir, 'trawl', 'captures'))).toBe(true);
    await sleep(100);
    await ping(5);
    // Rows appear while the capture runs.
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets === 10));
    expect((await engine.handle('capture.status', {}))?.state).toBe('running');
    const stopped = await engine.handle('capture.stop', {});
    expect(stopped.stats).toMatchObject({ packets: 10, indexed: 10, kernelDrops: 0, trawlDrops: 0 });
    const rows = await engine.handle('view.rows', { start: 0, end: 10 });
    expect(rows.map((r) => r.protocol)).toEqual(Array(10).fill('ICMP'));
    expect(rows[0]?.info).toMatch(/^Echo \(ping\) request/);
    expect(rows[1]?.info).toMatch(/^Echo \(ping\) reply/);
    expect(rows[0]?.source).toBe('10.245.7.2');

    const out = join(dir, 'pings.pcap');
    await expect(engine.handle('file.close', {})).rejects.toMatchObject({ code: 'UNSAVED' });
    const saved = await engine.handle('capture.save', { path: out });
    expect(saved.packets).toBe(10);
    expect(existsSync(stopped.path)).toBe(false);
    expect(await packetsIn(out)).toBe(10);
    const tshark = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'icmp.type'], { encoding: 'utf8' });
    if (tshark.status === 0)
      expect(tshark.stdout.trim().split('\n')).toEqual(Array(5).fill(['8', '0']).flat());
    await engine.handle('file.close', {});
  });

  it('stops by itself after N packets', async () => {
    const events: EngineEvent[] = [];
    const engine = new Engine((e) => events.push(e));
    await engine.handle('capture.start', {
      options: { iface: HOST, filter: 'icmp', autostop: { packets: 4 } },
    });
    await sleep(100);
    await ping(5);
    const ended = await until(() => events.find((e) => e.type === 'capture.stopped'));
    const status = (ended as { capture: CaptureStatus }).capture;
    expect(status).toMatchObject({ endedBy: 'autostop', stats: { packets: 4, indexed: 4 } });
    expect(await packetsIn(status.path)).toBe(4);
    await engine.handle('file.close', { discard: true });
    expect(existsSync(status.path)).toBe(false);
  });

  it('reports the interface deleted mid-capture and keeps what it captured', async () => {
    const events: EngineEvent[] = [];
    const engine = new Engine((e) => events.push(e));
    await engine.handle('capture.start', { options: { iface: HOST, filter: 'icmp' } });
    await sleep(100);
    await ping(3);
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets === 6));
    teardown();
    const failed = await until(() => events.find((e) => e.type === 'capture.failed'));
    const status = (failed as { capture: CaptureStatus }).capture;
    expect(status.state).toBe('failed');
    expect(status.failure?.message).toMatch(new RegExp(HOST));
    expect((await engine.handle('view.state', {})).total).toBe(6);
    expect(await packetsIn(status.path)).toBe(6);
    await engine.handle('file.close', { discard: true });
  });
});
