// A small packets-per-second graph, newest on the right, scaled to its own peak.
import { HISTORY } from './use-interfaces.ts';

export function Sparkline({
  values,
  width = 120,
  height = 22,
  testId,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  testId?: string;
}) {
  const peak = Math.max(1, ...values);
  // Until a minute of history exists the samples spread over the whole width.
  const step = width / Math.max(1, Math.min(values.length, HISTORY) - 1);
  const x0 = 0;
  const y = (v: number): number => height - 1 - (v / peak) * (height - 3);
  const points = values.map((v, i) => `${(x0 + i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = values.length > 1 ? `${x0},${height} ${points} ${width},${height}` : '';
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      data-testid={testId}
      data-samples={values.length}
      aria-hidden
    >
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="sparkline-base" />
      {area && <polygon points={area} className="sparkline-area" />}
      {values.length > 1 && <polyline points={points} className="sparkline-line" />}
    </svg>
  );
}
