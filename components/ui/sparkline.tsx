/** A tiny inline chart of recent values (SVG, no axes): the pipelines page's events/s trend. */
export function Sparkline({ values, width = 120, height = 28, color = "var(--accent)", label }: { values: number[]; width?: number; height?: number; color?: string; label?: string }) {
  if (values.length < 2) return <svg width={width} height={height} role="img" aria-label={label ?? "no data yet"} />;
  const max = Math.max(1, ...values);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(" ");
  return (
    <svg width={width} height={height} role="img" aria-label={label ?? "trend"} data-last={values[values.length - 1]}>
      <polyline points={`0,${height} ${points} ${width},${height}`} fill={color} fillOpacity={0.08} stroke="none" />
      <polyline points={points} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}
