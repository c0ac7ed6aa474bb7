// The Endpoints view's capacity chart: per endpoint, generation slots in use against MaxGenerations and the
// speakers waiting for a slot, over the last 15 minutes (GET /api/endpoints/history, one sample per 10 s).
import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 360;
const HEIGHT = 72;
const SAMPLES = 90; // 15 minutes of 10 s

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function line(values, top, tone, dashed = false) {
  const step = WIDTH / (SAMPLES - 1);
  const offset = SAMPLES - values.length; // the newest sample sits at the right edge
  const points = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(HEIGHT - (v / top) * (HEIGHT - 4) - 2).toFixed(1)}`);
  return svg("polyline", { points: points.join(" "), fill: "none", class: tone, "stroke-width": 2, ...(dashed ? { "stroke-dasharray": "4 3" } : {}) });
}

/** One small chart for `endpoint` from the history's samples. */
export function capacityChart(endpoint, samples) {
  const running = samples.map((s) => s.running?.[endpoint.name] ?? 0);
  const waiting = samples.map((s) => s.waiting ?? 0);
  const cap = endpoint.maxGenerations ?? 1;
  const top = Math.max(cap, ...running, ...waiting, 1);
  const peak = Math.max(0, ...running);
  const label = `${endpoint.name}: at most ${peak} of ${cap} generation slots in use and at most ${Math.max(0, ...waiting)} speakers waiting over the last 15 minutes`;
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: "img", "aria-label": label });
  chart.append(svg("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: "chart-frame" }));
  if (samples.length > 0) {
    chart.append(line(samples.map(() => cap), top, "chart-cap", true), line(waiting, top, "chart-waiting"), line(running, top, "chart-running"));
  }
  return h("figure", { class: "capacity-chart" }, chart,
    h("figcaption", {}, `${endpoint.name}: slots in use (green) against MaxGenerations ${cap} (dashed); speakers waiting (red)`));
}
