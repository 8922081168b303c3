'use client';

import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReactNode } from 'react';

const colours: Record<string, string> = {
  completed: '#16a34a',
  failed: '#dc2626',
  in_progress: '#2563eb',
  no_answer: '#d97706',
  busy: '#a855f7',
};

export function ChartCard({ title, empty, children, summary }: { title: string; empty: boolean; children: ReactNode; summary: string }) {
  return (
    <section className="card" aria-label={title}>
      <h2 className="mb-2 font-semibold">{title}</h2>
      {empty ? (
        <p className="py-10 text-center text-sm text-slate-500">No calls in this range.</p>
      ) : (
        <>
          <p className="sr-only">{summary}</p>
          <div className="h-64 w-full" aria-hidden>
            {children}
          </div>
        </>
      )}
    </section>
  );
}

export function CallsPerDay({ data }: { data: { date: string; calls: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
      <BarChart data={data} margin={{ left: -20, right: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="date" tick={{ fontSize: 11 }} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
        <Tooltip />
        <Bar dataKey="calls" name="Calls" fill="#2460d6" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function StatusBreakdown({ data }: { data: { status: string; calls: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
      <PieChart>
        <Pie data={data} dataKey="calls" nameKey="status" innerRadius="45%" outerRadius="75%" isAnimationActive={false} label>
          {data.map((d) => (
            <Cell key={d.status} fill={colours[d.status] ?? '#64748b'} />
          ))}
        </Pie>
        <Tooltip />
        <Legend />
      </PieChart>
    </ResponsiveContainer>
  );
}

export function DurationDistribution({ data }: { data: { label: string; calls: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
      <BarChart data={data} margin={{ left: -20, right: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
        <Tooltip />
        <Bar dataKey="calls" name="Calls" fill="#0f766e" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function LatencyOverTime({ data }: { data: { date: string; p50: number; p95: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
      <LineChart data={data} margin={{ left: -10, right: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="date" tick={{ fontSize: 11 }} />
        <YAxis unit=" ms" tick={{ fontSize: 11 }} width={70} />
        <Tooltip />
        <Legend />
        <Line type="monotone" dataKey="p50" name="p50" stroke="#2460d6" dot isAnimationActive={false} />
        <Line type="monotone" dataKey="p95" name="p95" stroke="#dc2626" dot isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
