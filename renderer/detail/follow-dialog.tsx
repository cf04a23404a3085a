// Follow TCP/UDP Stream: the conversation's payload in order, the client's bytes and the
// server's in two colours, as ASCII, a hex dump or raw hex, for the whole conversation or one
// side. The engine puts the stream together (follow.stream); this only shows it.
import { useEffect, useMemo, useState } from 'react';
import { followAscii, followHexLines } from '../../app/follow/follow-text.ts';
import type { FollowChunk, FollowEndpoint, FollowProto, FollowResult } from '../../app/follow/follow.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { Dialog } from '../chrome/dialogs.tsx';

type Show = 'ascii' | 'hex' | 'raw';
type Side = 'both' | 'client' | 'server';

/** Text past this many characters is not drawn (a stream of many megabytes would freeze the page). */
const MAX_CHARS = 2_000_000;

const endpoint = (e: FollowEndpoint | null): string =>
  e === null ? '?' : e.ipv6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;

function chunkText(c: FollowChunk, show: Show, offset: number): string {
  if (show === 'ascii') return followAscii(c.data);
  if (show === 'hex') return followHexLines(c.data, offset).join('\n') + '\n';
  let s = '';
  for (const b of c.data) s += b.toString(16).padStart(2, '0');
  return s + '\n';
}

interface Piece {
  server: boolean;
  text: string;
}

/** The chunks of the chosen side(s) as text pieces, cut at MAX_CHARS; and whether they were cut. */
function pieces(r: FollowResult, show: Show, side: Side): { list: Piece[]; cut: boolean } {
  const list: Piece[] = [];
  const offsets = [0, 0];
  let chars = 0;
  for (const c of r.chunks) {
    const s = c.server ? 1 : 0;
    const offset = offsets[s] ?? 0;
    offsets[s] = offset + c.data.length;
    if ((side === 'client' && c.server) || (side === 'server' && !c.server)) continue;
    const text = chunkText(c, show, offset);
    if (chars + text.length > MAX_CHARS) return { list, cut: true };
    chars += text.length;
    const prev = list[list.length - 1];
    if (prev && prev.server === c.server) prev.text += text;
    else list.push({ server: c.server, text });
  }
  return { list, cut: false };
}

export function FollowDialog(props: {
  client: EngineClient;
  proto: FollowProto;
  frame: number;
  /** Applies a display filter (the stream's, or the one to leave it). */
  onFilter(expression: string): void;
  /** Back: the filter that was applied before following. */
  onBack(): void;
  onClose(): void;
}) {
  const { client, proto, frame, onFilter } = props;
  const [result, setResult] = useState<FollowResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [show, setShow] = useState<Show>('ascii');
  const [side, setSide] = useState<Side>('both');

  useEffect(() => {
    let live = true;
    client.request('follow.stream', { proto, number: frame }).then(
      (r) => {
        if (!live) return;
        setResult(r);
        // As Wireshark: following a stream shows only its packets.
        onFilter(r.filter);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [client, proto, frame, onFilter]);

  const drawn = useMemo(() => (result ? pieces(result, show, side) : null), [result, show, side]);
  const bytes = useMemo(() => {
    const total: [number, number] = [0, 0];
    for (const c of result?.chunks ?? []) total[c.server ? 1 : 0] += c.data.length;
    return total;
  }, [result]);
  const title = `Follow ${proto.toUpperCase()} Stream${result ? ` (${result.filter})` : ''}`;

  return (
    <Dialog title={title} onClose={props.onClose} className="follow" testId="follow-dialog">
      {error !== null ? (
        <div className="dialog-error">{error}</div>
      ) : !result || !drawn ? (
        <div className="follow-loading">Following the stream of frame {frame}…</div>
      ) : (
        <>
          <pre className="follow-text" data-testid="follow-text">
            {drawn.list.map((p, i) => (
              <span key={i} className={p.server ? 'follow-server' : 'follow-client'}>
                {p.text}
              </span>
            ))}
            {drawn.cut && <span className="follow-cut">[… the rest is not shown]</span>}
          </pre>
          <div className="follow-summary" data-testid="follow-summary">
            <span className="follow-client">
              {endpoint(result.client)} → {endpoint(result.server)}: {bytes[0]} bytes
            </span>
            <span className="follow-server">
              {endpoint(result.server)} → {endpoint(result.client)}: {bytes[1]} bytes
            </span>
            <span>{result.chunks.length} chunks</span>
          </div>
          <div className="dialog-buttons follow-controls">
            <label>
              Show
              <select
                value={side}
                onChange={(e) => setSide(e.target.value as Side)}
                data-testid="follow-side"
              >
                <option value="both">Entire conversation ({bytes[0] + bytes[1]} bytes)</option>
                <option value="client">{endpoint(result.client)} only</option>
                <option value="server">{endpoint(result.server)} only</option>
              </select>
            </label>
            <label>
              as
              <select
                value={show}
                onChange={(e) => setShow(e.target.value as Show)}
                data-testid="follow-show"
              >
                <option value="ascii">ASCII</option>
                <option value="hex">Hex Dump</option>
                <option value="raw">Raw</option>
              </select>
            </label>
            <span className="grow" />
            <button
              type="button"
              className="button"
              onClick={() => {
                onFilter(`!(${result.filter})`);
                props.onClose();
              }}
            >
              Filter Out This Stream
            </button>
            <button type="button" className="button" onClick={props.onBack}>
              Back
            </button>
            <button type="button" className="button primary" onClick={props.onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
