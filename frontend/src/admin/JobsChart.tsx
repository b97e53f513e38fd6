import type { DayCount } from "./types";

const HEIGHT = 140;

interface DayChartProps {
  days: DayCount[];
  /** The chart's accessible name. */
  label: string;
  caption: string;
  /** A bar's tooltip. */
  describe: (day: DayCount) => string;
}

/** A count per day as bars (the failed part in red at the base); plain SVG, no chart library needed. */
export function DayChart({ days, label, caption, describe }: DayChartProps) {
  const max = Math.max(1, ...days.map((d) => d.total));
  const width = Math.max(1, days.length) * 28;
  return (
    <figure className="chart">
      {/* Bars stretch to the width; the day labels stay HTML so that they are not stretched with them. */}
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={label} preserveAspectRatio="none">
        {days.map((day, i) => {
          const total = (day.total / max) * HEIGHT;
          const failed = (day.failed / max) * HEIGHT;
          return (
            <g key={day.date} transform={`translate(${i * 28 + 4},0)`} data-testid="chart-bar" data-total={day.total}>
              <title>{describe(day)}</title>
              <rect className="bar-total" x={0} y={HEIGHT - total} width={20} height={total} rx={3} />
              <rect className="bar-failed" x={0} y={HEIGHT - failed} width={20} height={failed} rx={3} />
            </g>
          );
        })}
      </svg>
      <div className="chart-days" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${days.length}, 1fr)` }}>
        {days.map((day) => <span key={day.date}>{day.date.slice(8)}</span>)}
      </div>
      <figcaption className="muted small">{caption}</figcaption>
    </figure>
  );
}

export function JobsChart({ days }: { days: DayCount[] }) {
  return (
    <DayChart days={days} label="Jobs per day" caption={`Jobs per day, last ${days.length} days (UTC); failed in red.`}
      describe={(day) => `${day.date}: ${day.total} jobs, ${day.failed} failed`} />
  );
}
