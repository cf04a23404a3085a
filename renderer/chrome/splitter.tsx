// A drag handle between two stacked panes; reports the new size of the pane above it.
import { useRef } from 'react';

export function Splitter({ onResize, getSize }: { getSize(): number; onResize(px: number): void }) {
  const start = useRef<{ y: number; size: number } | null>(null);
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      onPointerDown={(e) => {
        e.preventDefault();
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
        start.current = { y: e.clientY, size: getSize() };
      }}
      onPointerMove={(e) => {
        if (start.current) onResize(start.current.size + e.clientY - start.current.y);
      }}
      onPointerUp={() => (start.current = null)}
    />
  );
}
