export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface ProviderOption {
  name: string;
  type: string;
  description?: string | null;
  values?: string[] | null;
  closed: boolean;
}

export interface ProviderInfo {
  name: string;
  label: string;
  offline: boolean;
  options: ProviderOption[];
}

export interface Providers {
  llm: ProviderInfo[];
  stt: ProviderInfo[];
  tts: ProviderInfo[];
}

export interface AgentRule {
  match: string;
  reply: string;
  hang_up: boolean;
}

export interface Agent {
  id: string;
  name: string;
  system_prompt: string;
  first_message?: string | null;
  language: string;
  llm: { provider: string; model?: string | null; temperature?: number | null; fallback_provider?: string | null };
  stt: { provider: string; language?: string | null; fallback_provider?: string | null };
  tts: { provider: string; voice?: string | null; speed?: number | null; fallback_provider?: string | null };
  rules: AgentRule[];
  fallback_line?: string | null;
  created_at: string;
  updated_at: string;
}

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignSummary {
  id: string;
  name: string;
  agent_id: string;
  phone_number_count: number;
  status: CampaignStatus;
  created_at: string;
  updated_at: string;
}

export interface Campaign {
  id: string;
  name: string;
  agent_id: string;
  phone_numbers: string[];
  status: CampaignStatus;
  created_at: string;
  updated_at: string;
}

export type CallStatus = 'in_progress' | 'completed' | 'failed' | 'no_answer' | 'busy';

export interface CallLogSummary {
  id: string;
  agent_id: string;
  campaign_id?: string | null;
  phone_number?: string | null;
  status: CallStatus;
  attempt: number;
  started_at: string;
  ended_at?: string | null;
  duration_seconds: number;
  avg_voice_to_voice_ms?: number | null;
  created_at: string;
}

export interface TurnMetrics {
  turn: number;
  voice_to_voice_ms?: number | null;
  stt_ms?: number | null;
  llm_ttft_ms?: number | null;
  tts_ttfb_ms?: number | null;
}

export interface CallLogDetail extends CallLogSummary {
  end_reason?: string | null;
  turns: TurnMetrics[];
  recording_url?: string | null;
  recording_url_expires_at?: string | null;
}

export interface TranscriptTurn {
  speaker: string;
  text: string;
  start_ms: number;
  end_ms: number;
}

export interface Transcript {
  call_id: string;
  turns: TranscriptTurn[];
}

export interface Analytics {
  from?: string | null;
  to?: string | null;
  totals: { calls: number; completed: number; failed: number };
  duration_seconds: { average?: number | null; p50?: number | null; p95?: number | null };
  calls_per_day: { date: string; calls: number }[];
  by_status: Record<string, number>;
  avg_voice_to_voice_ms?: number | null;
}
