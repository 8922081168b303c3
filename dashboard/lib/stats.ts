import type { CallLogSummary } from './types';

/** The element at floor((n-1)·p) of the sorted values, as the API computes its percentiles. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.floor((sorted.length - 1) * p)];
}

/** Durations in buckets: under 10 s, 10-30 s, 30-60 s, 1-2 min, 2-5 min, 5 min and more. */
export function durationHistogram(calls: CallLogSummary[]) {
  const buckets = [
    { label: '<10 s', max: 10 },
    { label: '10–30 s', max: 30 },
    { label: '30–60 s', max: 60 },
    { label: '1–2 min', max: 120 },
    { label: '2–5 min', max: 300 },
    { label: '5 min+', max: Infinity },
  ].map((b) => ({ ...b, calls: 0 }));
  for (const c of calls) buckets.find((b) => c.duration_seconds < b.max)!.calls++;
  return buckets.map(({ label, calls }) => ({ label, calls }));
}

/** Per UTC day, the p50 and p95 of the calls' average voice-to-voice latency. */
export function latencyByDay(calls: CallLogSummary[]) {
  const days = new Map<string, number[]>();
  for (const c of calls) {
    if (c.avg_voice_to_voice_ms === null || c.avg_voice_to_voice_ms === undefined) continue;
    const day = c.created_at.slice(0, 10);
    (days.get(day) ?? days.set(day, []).get(day)!).push(c.avg_voice_to_voice_ms);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, values]) => {
      values.sort((a, b) => a - b);
      return { date, p50: Math.round(percentile(values, 0.5)!), p95: Math.round(percentile(values, 0.95)!) };
    });
}
