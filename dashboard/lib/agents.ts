import { api } from './api';
import type { Agent, Page } from './types';

/** All of the tenant's agents (pickers and name lookups), following the cursor. */
export async function allAgents(): Promise<Agent[]> {
  const agents: Agent[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await api<Page<Agent>>(`/agents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    agents.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && agents.length < 2000);
  return agents;
}
