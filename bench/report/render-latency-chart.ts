import type { TargetId } from '../bench-options.js';
import { TARGET_LABELS } from '../bench-targets.js';
import type { FixedRateResult } from '../scenarios/rate-scenarios.js';
import { PERCENTILES, type Percentile } from './derive-metrics.js';

const COLORS: Record<TargetId, string> = {
  direct: '#888888',
  floor: '#4477aa',
  converge: '#228833',
  'converge-off': '#99cc66',
  portkey: '#cc3311',
};

const PANEL = { width: 300, height: 250, left: 52, right: 14, top: 34, bottom: 40 };
const LEGEND_HEIGHT = 34;

interface Scale {
  toY(value: number): number;
  ticks: number[];
}

/** A log scale over [min, max] with 1-2-5 ticks: p50 of a floor and p99 of Portkey differ 100×. */
function logScale(min: number, max: number): Scale {
  const low = Math.log10(min);
  const high = Math.log10(max);
  const span = Math.max(high - low, 0.3);
  const plot = PANEL.height - PANEL.top - PANEL.bottom;
  const ticks: number[] = [];
  for (let exponent = Math.floor(low); exponent <= Math.ceil(high); exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = mantissa * 10 ** exponent;
      if (tick >= min * 0.999 && tick <= max * 1.001) ticks.push(tick);
    }
  }
  return { toY: (value) => PANEL.top + plot - ((Math.log10(value) - low) / span) * plot, ticks };
}

function formatTick(value: number): string {
  return value >= 1 ? String(value) : value.toFixed(value >= 0.1 ? 1 : 2);
}

function latencyOf(entry: FixedRateResult, target: TargetId, percentile: Percentile): number | undefined {
  return entry.results[target]?.load.latencyMs?.[percentile];
}

function renderPanel(
  data: FixedRateResult[],
  targets: TargetId[],
  percentile: Percentile,
  offsetX: number,
  scale: Scale,
): string {
  const plotWidth = PANEL.width - PANEL.left - PANEL.right;
  // Points sit inside the frame, not on it.
  const inset = 16;
  const span = plotWidth - 2 * inset;
  const toX = (index: number) =>
    offsetX + PANEL.left + inset + (data.length === 1 ? span / 2 : (index / (data.length - 1)) * span);
  const bottom = PANEL.height - PANEL.bottom;
  const parts = [
    `<text x="${offsetX + PANEL.left + plotWidth / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">${percentile} latency (ms, log scale)</text>`,
    `<rect x="${offsetX + PANEL.left}" y="${PANEL.top}" width="${plotWidth}" height="${bottom - PANEL.top}" fill="none" stroke="#ccc"/>`,
  ];
  for (const tick of scale.ticks) {
    const y = scale.toY(tick).toFixed(1);
    parts.push(
      `<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.left + plotWidth}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${offsetX + PANEL.left - 6}" y="${y}" dy="4" text-anchor="end" font-size="10" fill="#555">${formatTick(tick)}</text>`,
    );
  }
  data.forEach((entry, index) => {
    parts.push(
      `<text x="${toX(index).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="10" fill="#555">${entry.rate}</text>`,
    );
  });
  parts.push(
    `<text x="${offsetX + PANEL.left + plotWidth / 2}" y="${bottom + 32}" text-anchor="middle" font-size="11" fill="#333">offered rate (req/s)</text>`,
  );
  for (const target of targets) {
    const points = data
      .map((entry, index) => [toX(index), latencyOf(entry, target, percentile)] as const)
      .filter((point): point is readonly [number, number] => point[1] !== undefined && point[1] > 0)
      .map(([x, value]) => `${x.toFixed(1)},${scale.toY(value).toFixed(1)}`);
    if (points.length === 0) continue;
    const width = target === 'converge' ? 2.5 : 1.5;
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS[target]}" stroke-width="${width}"/>`,
    );
    for (const point of points) {
      const [x, y] = point.split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${COLORS[target]}"/>`);
    }
  }
  return parts.join('\n');
}

function renderLegend(targets: TargetId[], y: number): string {
  return targets
    .map((target, index) => {
      const x = 60 + index * 200;
      return `<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${COLORS[target]}"/><text x="${x + 20}" y="${y - 4}" font-size="12">${TARGET_LABELS[target]}</text>`;
    })
    .join('\n');
}

/**
 * A hand-written SVG: one panel per percentile (p50, p90, p99), offered rate on x, latency on a log
 * y axis, one line per target. No chart library: the numbers are all there is.
 *
 * @example writeFileSync('docs/performance-latency.svg', renderLatencyChart(results.scenarios.fixedRate, 'quick run'));
 */
export function renderLatencyChart(data: FixedRateResult[], caption: string): string {
  const targets = (['direct', 'floor', 'converge', 'converge-off', 'portkey'] as const).filter((target) =>
    data.some((entry) => entry.results[target] !== undefined),
  );
  const values = data.flatMap((entry) =>
    targets.flatMap((target) => PERCENTILES.map((percentile) => latencyOf(entry, target, percentile) ?? 0)),
  );
  const positive = values.filter((value) => value > 0);
  const min = positive.length === 0 ? 0.1 : Math.min(...positive) * 0.8;
  const max = positive.length === 0 ? 10 : Math.max(...positive) * 1.25;
  const scale = logScale(min, max);
  const width = PANEL.width * PERCENTILES.length;
  const height = PANEL.height + LEGEND_HEIGHT + 18;
  const panels = PERCENTILES.map((percentile, index) =>
    renderPanel(data, targets, percentile, index * PANEL.width, scale),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels,
    renderLegend(targets, PANEL.height + 20),
    `<text x="${width - 10}" y="${height - 6}" text-anchor="end" font-size="10" fill="#777">${caption.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
