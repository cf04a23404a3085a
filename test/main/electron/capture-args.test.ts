// The capture file on the command line, as a shell, a file manager (%U) or a dev launch passes it.
import { describe, expect, it } from 'vitest';
import { captureFileFromArgv } from '../../../main/electron/capture-args.ts';

describe('captureFileFromArgv', () => {
  it('finds a pcap or pcapng path among Electron and Chromium arguments', () => {
    expect(captureFileFromArgv(['/opt/Trawl/trawl-gui', 'dump.pcapng'], '/home/u')).toBe(
      '/home/u/dump.pcapng',
    );
    expect(captureFileFromArgv(['electron', 'build/electron/main.mjs', '/tmp/a.PCAP'], '/w')).toBe(
      '/tmp/a.PCAP',
    );
    expect(captureFileFromArgv(['x', '--enable-logging', '--x=y.pcap', 'c.cap'], '/w')).toBe('/w/c.cap');
    expect(captureFileFromArgv(['x', 'file:///tmp/with%20space.pcap'], '/w')).toBe('/tmp/with space.pcap');
  });

  it('ignores the executable and anything that is not a capture file', () => {
    expect(captureFileFromArgv(['/tmp/weird.pcap'], '/w')).toBeNull();
    expect(captureFileFromArgv(['x', 'notes.txt', 'build/electron/main.mjs'], '/w')).toBeNull();
    expect(captureFileFromArgv(['x', 'file://host/%zz.pcap'], '/w')).toBeNull();
  });
});
