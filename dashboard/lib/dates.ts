/** The agent, campaign and date filters of the analytics and usage pages, as their forms hold them. */
export interface ScopeAndDays {
  agent_id: string;
  campaign_id: string;
  from: string;
  to: string;
}

/** A date input's day as the UTC midnight that starts it; `to` is exclusive, so its day is included by adding one. */
export const dayStart = (d: string, plusDays = 0) => {
  if (!d) return undefined;
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + plusDays);
  return t.toISOString();
};

/** The filters as the API's query parameters: whole UTC days, the `to` day included. */
export const scopeAndDaysQuery = (f: ScopeAndDays) => ({
  agent_id: f.agent_id || undefined,
  campaign_id: f.campaign_id || undefined,
  from: dayStart(f.from),
  to: dayStart(f.to, 1),
});
