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

/** A rule's tool call: argument values are Liquid templates over match.<group> and the call's variables. */
export interface RuleToolCall {
  tool: string;
  arguments: Record<string, string>;
}

export interface AgentRule {
  match?: string | null;
  match_regex?: string | null;
  dtmf?: string | null;
  call?: RuleToolCall | null;
  reply: string;
  hang_up: boolean;
}

export type AgentToolType = 'http' | 'mcp';

/** A tool of an agent; `secret` (http) is only in the answer that generated it. */
export interface AgentTool {
  type: AgentToolType;
  name: string;
  description?: string | null;
  parameters?: unknown;
  url: string;
  method?: string | null;
  timeout_ms?: number | null;
  speak_while_running?: string | null;
  headers?: Record<string, string> | null;
  secret?: string | null;
}

export interface TransferDestination {
  name: string;
  phone_number: string;
  description?: string | null;
  message?: string | null;
}

export interface SilenceSettings {
  reprompt_after_s?: number | null;
  reprompt_message?: string | null;
  hangup_after_s?: number | null;
}

export interface AgentPreview {
  system_prompt: string;
  first_message?: string | null;
  variables: Record<string, unknown>;
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
  voicemail?: { machine_detection?: boolean | null; action?: string | null; message?: string | null } | null;
  tools: AgentTool[];
  transfer_destinations: TransferDestination[];
  silence?: SilenceSettings | null;
  max_duration_s?: number | null;
  max_duration_message?: string | null;
  time_zone?: string | null;
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

/** A campaign's number with the variables its call's templates see. */
export interface CampaignContact {
  phone_number: string;
  variables: Record<string, string>;
}

export interface Campaign {
  id: string;
  name: string;
  agent_id: string;
  phone_numbers: string[];
  contacts?: CampaignContact[];
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
  variables?: Record<string, string> | null;
  transferred_to?: string | null;
  turns: TurnMetrics[];
  recording_url?: string | null;
  recording_url_expires_at?: string | null;
}

/** A tool call as the transcript keeps it (a turn with speaker `tool`). */
export interface ToolCall {
  name: string;
  arguments?: unknown;
  result?: unknown;
  error?: string | null;
  duration_ms: number;
  ok: boolean;
}

export interface TranscriptTurn {
  speaker: string;
  text: string;
  start_ms: number;
  end_ms: number;
  tool?: ToolCall | null;
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
