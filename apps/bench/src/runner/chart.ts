/**
 * results/latest.svg, written by hand: per workload, the ratio of @aio to CPython 3.13 and to raw Node as
 * bars on a log scale growing from 1x (up: @aio ahead, down: behind; for W8 and W5 late, lower is better),
 * with BENCH.md's target marked as a dashed line across each bar's slot.
 */
import type { Ratio, WorkloadSummary } from "./summary.ts";
import { formatRatio, formatTarget } from "./summary.ts";

interface Bar {
  readonly ratio: Ratio | undefined;
  readonly series: 0 | 1;
}

interface Group {
  readonly label: string;
  readonly sublabel: string;
  readonly bars: readonly Bar[];
}

const COLORS = ["#4c72b0", "#dd8452"] as const;
const TARGET = "#b22222";
const LOW = 0.05;
const HIGH = 100;
const TICKS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function groupsOf(summaries: readonly WorkloadSummary[]): Group[] {
  const groups: Group[] = [];
  for (const summary of summaries) {
    groups.push({
      label: summary.id,
      sublabel: summary.lowerIsBetter ? "lower is better" : "",
      bars: [
        { ratio: summary.vsCpython, series: 0 },
        { ratio: summary.vsNode, series: 1 },
      ],
    });
    if (summary.lateVsCpython !== undefined) {
      groups.push({ label: `${summary.id} late`, sublabel: "lower is better", bars: [{ ratio: summary.lateVsCpython, series: 0 }] });
    }
  }
  return groups;
}

/** The chart as an SVG document. */
export function chart(summaries: readonly WorkloadSummary[], subtitle: string): string {
  const groups = groupsOf(summaries);
  const left = 64;
  const top = 92;
  const plotHeight = 320;
  const groupWidth = 68;
  const barWidth = 24;
  const width = left + groups.length * groupWidth + 24;
  const height = top + plotHeight + 92;
  const y = (value: number): number => {
    const clamped = Math.min(HIGH, Math.max(LOW, value));
    const fraction = (Math.log10(clamped) - Math.log10(LOW)) / (Math.log10(HIGH) - Math.log10(LOW));
    return top + plotHeight * (1 - fraction);
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">@aio against CPython 3.13 asyncio and raw Node: ratios of medians</text>`,
    `<text x="${left}" y="42" fill="#555">${escape(subtitle)}</text>`,
  ];
  // Legend.
  const legend: [string, string][] = [
    [COLORS[0], "aio / CPython 3.13"],
    [COLORS[1], "aio / raw Node"],
  ];
  legend.forEach(([color, text], index) => {
    const x = left + index * 170;
    out.push(`<rect x="${x}" y="56" width="14" height="12" fill="${color}"/>`, `<text x="${x + 20}" y="66">${text}</text>`);
  });
  out.push(
    `<line x1="${left + 340}" y1="62" x2="${left + 370}" y2="62" stroke="${TARGET}" stroke-width="2" stroke-dasharray="5,3"/>`,
    `<text x="${left + 376}" y="66">target from BENCH.md, also written under each bar (✓ met, ✗ missed)</text>`,
  );
  // Axis and grid.
  for (const tick of TICKS) {
    const ty = y(tick);
    const strong = tick === 1;
    out.push(
      `<line x1="${left}" y1="${ty}" x2="${width - 16}" y2="${ty}" stroke="${strong ? "#333" : "#e3e3e3"}" stroke-width="${strong ? 1.2 : 1}"/>`,
      `<text x="${left - 6}" y="${ty + 4}" text-anchor="end" fill="#444">${tick}x</text>`,
    );
  }
  out.push(`<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#444">ratio (log scale)</text>`);
  // Groups.
  groups.forEach((group, index) => {
    const gx = left + index * groupWidth + 8;
    group.bars.forEach((bar, position) => {
      const bx = gx + position * (barWidth + 4);
      const cx = bx + barWidth / 2;
      const ratio = bar.ratio;
      // The target goes under the axis (so it never hides a bar's label) and as a line over the bar.
      const targetText = ratio?.target === undefined ? "" : formatTarget(ratio.target).replace("x", "").replace(">=", "≥").replace("<=", "≤").replace(" ", "");
      if (targetText !== "") {
        out.push(`<text x="${cx}" y="${top + plotHeight + 46}" text-anchor="middle" font-size="9" fill="${TARGET}">${escape(targetText)}</text>`);
      }
      if (ratio === undefined || ratio.value === null) {
        const text = ratio?.note ?? "-";
        out.push(`<text transform="translate(${cx + 3} ${top + plotHeight - 4}) rotate(-90)" font-size="9" fill="#888">${escape(text)}</text>`);
      } else {
        const base = y(1);
        const end = y(ratio.value);
        out.push(
          `<rect x="${bx}" y="${Math.min(base, end)}" width="${barWidth}" height="${Math.max(1, Math.abs(end - base))}" fill="${COLORS[bar.series]}" opacity="0.9"/>`,
        );
        const clipped = ratio.value > HIGH || ratio.value < LOW;
        const labelY = ratio.value >= 1 ? end - 4 : end + 11;
        const mark = ratio.met === undefined ? "" : ratio.met ? " ✓" : " ✗";
        out.push(
          `<text x="${cx}" y="${labelY}" text-anchor="middle" font-size="9">${escape(`${clipped ? "»" : ""}${formatRatio(ratio.value)}${mark}`)}</text>`,
        );
      }
      if (ratio?.target !== undefined) {
        const ty = y(ratio.target.min ?? ratio.target.max ?? 1);
        out.push(`<line x1="${bx - 2}" y1="${ty}" x2="${bx + barWidth + 2}" y2="${ty}" stroke="${TARGET}" stroke-width="2" stroke-dasharray="5,3"/>`);
      }
    });
    const lx = gx + (group.bars.length * (barWidth + 4)) / 2 - 2;
    out.push(`<text x="${lx}" y="${top + plotHeight + 18}" text-anchor="middle" font-weight="bold">${escape(group.label)}</text>`);
    if (group.sublabel !== "") {
      out.push(`<text x="${lx}" y="${top + plotHeight + 32}" text-anchor="middle" font-size="9" fill="#555">${escape(group.sublabel)}</text>`);
    }
  });
  out.push(
    `<text x="${left}" y="${height - 14}" fill="#555">Bars grow from 1x: up means @aio does more work per second (or, for "lower is better", uses more), down means less. Missing bars say why (pending, FAILED, absent).</text>`,
    "</svg>",
    "",
  );
  return out.join("\n");
}
