import type { AgentRule, AgentTool, AgentToolType, TransferDestination } from './types';

/** A tool as the form edits it: numbers and JSON as the text typed, so a half-typed value is not lost. */
export interface ToolForm {
  type: AgentToolType;
  name: string;
  description: string;
  parameters: string;
  url: string;
  method: string;
  timeout_ms: string;
  speak_while_running: string;
  headers: string;
  cancel_on_barge_in: boolean;
}

/** A rule as the form edits it: its arguments as `name = template` lines. */
export interface RuleForm {
  match: string;
  match_regex: string;
  dtmf: string;
  tool: string;
  arguments: string;
  reply: string;
  /** Speak the most relevant sentence or two of the agent's knowledge bases in place of a fixed reply. */
  reply_from_knowledge: boolean;
  hang_up: boolean;
}

export const num = (s: string) => (s.trim() === '' ? null : Number(s));
export const text = (s: string) => (s.trim() === '' ? null : s);

/** `name = value` lines (or `name: value` for headers) as an object; blank lines are skipped. */
export function parsePairs(lines: string, separator: '=' | ':'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines.split(/\r\n|\n|\r/)) {
    const at = line.indexOf(separator);
    if (line.trim() === '') continue;
    if (at < 0) out[line.trim()] = '';
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export function formatPairs(pairs: Record<string, string> | null | undefined, separator: '=' | ':'): string {
  return Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}${separator === '=' ? ' = ' : ': '}${v}`)
    .join('\n');
}

export const emptyTool = (type: AgentToolType): ToolForm => ({
  type,
  name: '',
  description: '',
  parameters: type === 'http' ? '{\n  "type": "object",\n  "properties": {}\n}' : '',
  url: '',
  method: 'POST',
  timeout_ms: '',
  speak_while_running: '',
  headers: '',
  cancel_on_barge_in: false,
});

export function toolFromAgent(t: AgentTool): ToolForm {
  return {
    type: t.type,
    name: t.name,
    description: t.description ?? '',
    parameters: t.parameters === undefined || t.parameters === null ? '' : JSON.stringify(t.parameters, null, 2),
    url: t.url,
    method: t.method ?? 'POST',
    timeout_ms: t.timeout_ms?.toString() ?? '',
    speak_while_running: t.speak_while_running ?? '',
    headers: formatPairs(t.headers, ':'),
    cancel_on_barge_in: t.cancel_on_barge_in ?? false,
  };
}

/** The `parameters` text as JSON, or why it is not JSON (shown beside the field before anything is sent). */
export function parseParameters(s: string): { value?: unknown; error?: string } {
  if (s.trim() === '') return {};
  try {
    return { value: JSON.parse(s) };
  } catch (e) {
    return { error: `is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The tool as the API takes it. A kept http tool sends no secret: the API keeps the one it has by the tool's name. */
export function toolToRequest(t: ToolForm) {
  const common = { type: t.type, name: t.name.trim(), description: text(t.description), url: t.url.trim(), timeout_ms: num(t.timeout_ms), cancel_on_barge_in: t.cancel_on_barge_in };
  if (t.type === 'mcp') return { ...common, headers: parsePairs(t.headers, ':') };
  return {
    ...common,
    parameters: parseParameters(t.parameters).value ?? null,
    method: text(t.method),
    speak_while_running: text(t.speak_while_running),
  };
}

export function ruleFromAgent(r: AgentRule): RuleForm {
  return {
    match: r.match ?? '',
    match_regex: r.match_regex ?? '',
    dtmf: r.dtmf ?? '',
    tool: r.call?.tool ?? '',
    arguments: formatPairs(r.call?.arguments, '='),
    reply: r.reply ?? '',
    reply_from_knowledge: r.reply_from_knowledge ?? false,
    hang_up: r.hang_up ?? false,
  };
}

export const emptyRule = (): RuleForm => ({ match: '', match_regex: '', dtmf: '', tool: '', arguments: '', reply: '', reply_from_knowledge: false, hang_up: false });

export function ruleToRequest(r: RuleForm): AgentRule {
  return {
    match: text(r.match),
    match_regex: text(r.match_regex),
    dtmf: text(r.dtmf),
    call: r.tool.trim() === '' ? null : { tool: r.tool.trim(), arguments: parsePairs(r.arguments, '=') },
    // The API takes exactly one of the two.
    reply: r.reply_from_knowledge ? null : r.reply,
    reply_from_knowledge: r.reply_from_knowledge,
    hang_up: r.hang_up,
  };
}

export const emptyDestination = (): TransferDestination => ({ name: '', phone_number: '', description: '', message: '' });

export function destinationToRequest(d: TransferDestination): TransferDestination {
  return { name: (d.name ?? '').trim(), phone_number: (d.phone_number ?? '').trim(), description: text(d.description ?? ''), message: text(d.message ?? '') };
}

/** The tools a rule may call: the agent's own and the built-ins. */
export function callableTools(tools: ToolForm[]): string[] {
  return [...tools.map((t) => t.name.trim()).filter(Boolean), 'end_call', 'transfer_call'];
}
