// The bytes pane: offset, hex and ASCII columns (16 bytes a line, as Wireshark's). The selected
// field's bytes are highlighted; clicking a byte asks for the innermost field covering it.
import { memo, useEffect, useRef } from 'react';
import { hexByte } from '../../app/format/address.ts';

export interface HexViewProps {
  bytes: Uint8Array;
  /** Highlighted range [offset, offset + length), or null. */
  highlight: { offset: number; length: number } | null;
  onByteClick(offset: number): void;
}

const PER_LINE = 16;

function ascii(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

const HexLine = memo(function HexLine(props: {
  bytes: Uint8Array;
  start: number;
  hlFrom: number;
  hlTo: number;
  offsetDigits: number;
}) {
  const { bytes, start, hlFrom, hlTo, offsetDigits } = props;
  const end = Math.min(start + PER_LINE, bytes.length);
  const hex = [];
  const text = [];
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    const hl = i >= hlFrom && i < hlTo ? ' hl' : '';
    const gap = i - start === 8 ? ' gap' : '';
    hex.push(
      <span key={i} className={'b' + hl + gap} data-off={i}>
        {hexByte(b)}
      </span>,
    );
    text.push(
      <span key={i} className={'c' + hl + gap} data-off={i}>
        {ascii(b)}
      </span>,
    );
  }
  return (
    <div className="hex-line">
      <span className="off">{start.toString(16).padStart(offsetDigits, '0')}</span>
      <span className="hex">{hex}</span>
      <span className="ascii">{text}</span>
    </div>
  );
});

export function HexView({ bytes, highlight, onByteClick }: HexViewProps) {
  const ref = useRef<HTMLDivElement | null>(null);
  const from = highlight ? highlight.offset : -1;
  const to = highlight ? highlight.offset + highlight.length : -1;
  const offsetDigits = bytes.length > 0xffff ? 8 : 4;

  useEffect(() => {
    if (from < 0) return;
    ref.current?.querySelector(`.b[data-off="${from}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [from, bytes]);

  const lines = [];
  for (let start = 0; start < bytes.length; start += PER_LINE) {
    // Only lines touching the highlight get its range, so the others keep their memoized render.
    const touches = from < start + PER_LINE && to > start;
    lines.push(
      <HexLine
        key={start}
        bytes={bytes}
        start={start}
        hlFrom={touches ? from : -1}
        hlTo={touches ? to : -1}
        offsetDigits={offsetDigits}
      />,
    );
  }
  return (
    <div
      className="hex-view"
      data-testid="hex-view"
      ref={ref}
      onMouseDown={(e) => {
        const off = (e.target as HTMLElement).dataset['off'];
        if (off !== undefined) onByteClick(Number(off));
      }}
    >
      {lines}
    </div>
  );
}
