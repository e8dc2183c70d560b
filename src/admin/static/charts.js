/* global ResizeObserver */
import { html, useCallback, useEffect, useRef, useState } from './vendor/preact-htm.js';
import uPlot from './vendor/uplot.js';
import { get } from './api.js';
import { ErrorAlert, usePage, useVisibleInterval } from './shared.js';

const MINUTE = 60_000;
const BUCKETS = 1440;
const REFRESH_MS = 60_000;
const HEIGHT = 220;

// Second series dashed: two lines in one chart never differ by colour alone.
const CHARTS = [
  { id: 'scim', title: 'SCIM requests per minute', series: [{ key: 'scimRequests', label: 'SCIM requests', stroke: '#1f5fbf' }] },
  { id: 'jamf', title: 'Jamf calls per minute', series: [{ key: 'jamfCalls', label: 'Jamf calls', stroke: '#6b3fa0' }] },
  {
    id: 'latency',
    title: 'Jamf latency (ms)',
    latency: true,
    series: [
      { key: 'jamfMeanMs', label: 'Mean ms', stroke: '#0b7a53' },
      { key: 'jamfMaxMs', label: 'Max ms', stroke: '#a34700', dash: [6, 4] },
    ],
  },
  {
    id: 'errors',
    title: 'Errors per minute',
    series: [
      { key: 'scimErrors', label: 'SCIM 5xx', stroke: '#b3261e' },
      { key: 'jamfErrors', label: 'Jamf errors', stroke: '#4d4d4d', dash: [6, 4] },
    ],
  },
];

/**
 * The server sends only minutes that had traffic (plus the current one); the charts want every
 * minute of the 24 h, counts as 0 and latency as a gap where nothing was called.
 */
export function toColumns(minutes, chart, now) {
  const last = minutes.length > 0 ? minutes[minutes.length - 1].t : Math.floor(now / MINUTE) * MINUTE;
  const first = last - (BUCKETS - 1) * MINUTE;
  const byMinute = new Map(minutes.map((minute) => [minute.t, minute]));
  const xs = [];
  const columns = chart.series.map(() => []);
  for (let t = first; t <= last; t += MINUTE) {
    xs.push(t / 1000);
    const minute = byMinute.get(t);
    chart.series.forEach((series, index) => {
      if (chart.latency) columns[index].push(minute !== undefined && minute.jamfCalls > 0 ? minute[series.key] : null);
      else columns[index].push(minute !== undefined ? minute[series.key] : 0);
    });
  }
  return [xs, ...columns];
}

const round = (value) => (value === null || value === undefined ? null : Math.round(value));

export function summarize(chart, columns) {
  const parts = chart.series.map((series, index) => {
    const values = columns[index + 1];
    const present = values.filter((value) => value !== null);
    const latest = chart.latency ? present[present.length - 1] : values[values.length - 1];
    const peak = present.length === 0 ? null : Math.max(...present);
    if (chart.latency) {
      return latest === undefined
        ? `${series.label}: no Jamf calls`
        : `${series.label}: latest ${round(latest)}, peak ${round(peak)}`;
    }
    const total = present.reduce((sum, value) => sum + value, 0);
    return `${series.label}: latest ${latest ?? 0}, peak ${peak ?? 0}, total ${total}`;
  });
  return `${chart.title} over the last 24 h. ${parts.join('; ')}.`;
}

function options(chart, width) {
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(chart.latency ? 10 : 1, max ?? 0)] } },
    axes: [{}, { label: chart.latency ? 'ms' : 'per minute', size: 56 }],
    legend: { markers: { dash: (u, index) => (u.series[index].dash ? 'dashed' : 'solid') } },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'Time' },
      ...chart.series.map((series) => ({
        label: series.label,
        stroke: series.stroke,
        width: 2,
        dash: series.dash,
        spanGaps: false,
        // Latency exists only in minutes with Jamf calls; points keep a lone busy minute visible.
        points: chart.latency ? { show: true, size: 4 } : undefined,
        value: (_u, value) => (value === null ? '—' : String(Math.round(value))),
      })),
    ],
  };
}

function Chart({ chart, minutes, now }) {
  const box = useRef(null);
  const plot = useRef(null);
  const columns = toColumns(minutes, chart, now);
  const summary = summarize(chart, columns);

  useEffect(() => {
    const element = box.current;
    const width = () => Math.max(280, element.clientWidth);
    if (plot.current === null) plot.current = new uPlot(options(chart, width()), columns, element);
    else plot.current.setData(columns);
  }, [minutes]);

  useEffect(() => {
    const element = box.current;
    const observer = new ResizeObserver(() => {
      if (plot.current !== null) plot.current.setSize({ width: Math.max(280, element.clientWidth), height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  const headingId = `chart-${chart.id}-heading`;
  return html`<section class="card chart" aria-labelledby=${headingId}>
    <h2 id=${headingId}>${chart.title}</h2>
    <p class="summary">${summary}</p>
    <div ref=${box} class="chart-box" role="img" aria-label=${summary} data-testid=${`chart-${chart.id}`}></div>
  </section>`;
}

export function Charts() {
  const heading = usePage('Charts');
  const [history, setHistory] = useState(null);
  const [error, setError] = useState(null);

  const load = useCallback(() => {
    get('/admin/api/history').then(
      (answer) => {
        setHistory({ minutes: answer.minutes, at: Date.now() });
        setError(null);
      },
      setError,
    );
  }, []);
  useEffect(load, [load]);
  useVisibleInterval(load, REFRESH_MS);

  return html`<h1 tabindex="-1" ref=${heading}>Charts</h1>
    <p>Traffic of the last 24 hours, one point per minute, kept in memory since the server started.
      ${history !== null ? html` <span class="muted">Updated ${new Date(history.at).toLocaleTimeString()}</span>` : null}</p>
    <${ErrorAlert} error=${error} />
    ${history === null
      ? error === null ? html`<p>Loading…</p>` : null
      : html`<div class="charts">
          ${CHARTS.map((chart) => html`<${Chart} key=${chart.id} chart=${chart} minutes=${history.minutes} now=${history.at} />`)}
        </div>`}`;
}
