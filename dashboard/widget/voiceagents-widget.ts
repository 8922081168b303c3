/**
 * The embeddable voice widget: one script tag on a tenant's own site gives its visitors a call button, live captions,
 * mute and hang-up, talking to one agent through a publishable key (the `publishable_key` auth message of
 * docs/voice-protocol.md).
 *
 *   <script src="https://dashboard.example/widget/v1/voiceagents-widget.js" data-publishable-key="va_pk_…"
 *           data-agent-id="…" data-ws-url="wss://voice.example/ws" data-variables='{"plan":"gold"}'></script>
 *
 * dashboard/build.sh bundles it with esbuild into out/widget/v1/. The call itself is lib/voiceCall.ts, the Talk page's
 * own; only the sign-in (the publishable key instead of a member's token) and the worklet's address differ. The UI
 * lives in an open shadow root, so the host page's styles and the widget's don't meet, and is styled by a
 * constructed style sheet, which a host page's Content-Security-Policy does not count as an inline style.
 */
import { VoiceCall, type CallPhase, type TranscriptLine } from '../lib/voiceCall';

/** The widget speaks to a site's visitors, not to a member: close codes in their words. */
const closeMeanings: Record<number, string> = {
  1006: 'The connection to the voice service was lost.',
  4400: 'The voice service could not read this widget’s settings.',
  4401: 'This site’s widget key was not accepted.',
  4403: 'This site may not call this agent.',
  4429: 'Too many calls right now. Try again in a minute.',
};

const phaseText: Record<CallPhase, string> = {
  idle: 'Talk to us',
  starting: 'Starting the microphone…',
  connecting: 'Connecting…',
  live: 'In call. Speak now.',
  ending: 'Hanging up…',
  ended: 'Call over.',
};

const css = `
:host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; font: 14px/1.4 system-ui, sans-serif; color: #0f172a; }
.panel { box-sizing: border-box; width: min(340px, calc(100vw - 32px)); background: #fff; border: 1px solid #cbd5e1; border-radius: 12px; box-shadow: 0 8px 24px rgba(15, 23, 42, .18); padding: 12px; }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.status { flex: 1 1 auto; color: #475569; }
button { font: inherit; border-radius: 8px; padding: 6px 12px; cursor: pointer; border: 1px solid #cbd5e1; background: #fff; color: #0f172a; }
button:focus-visible { outline: 2px solid #2460d6; outline-offset: 2px; }
button[disabled] { opacity: .5; cursor: not-allowed; }
.start { background: #2460d6; border-color: #2460d6; color: #fff; }
.hangup { background: #dc2626; border-color: #dc2626; color: #fff; }
.problem { margin: 8px 0 0; padding: 6px 8px; border-radius: 8px; background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.captions { list-style: none; margin: 8px 0 0; padding: 0; max-height: 200px; overflow-y: auto; }
.captions li { margin: 4px 0; padding: 4px 8px; border-radius: 8px; width: fit-content; max-width: 85%; background: #f1f5f9; }
.captions li[data-role=user] { margin-left: auto; background: #2460d6; color: #fff; }
.captions li[data-final=false] { opacity: .7; font-style: italic; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
`;

interface WidgetSettings {
  publishableKey: string;
  agentId: string;
  voiceUrl: string;
  variables?: Record<string, unknown>;
  workletUrl: string;
}

/** Reads the script tag's data attributes; a missing or malformed one is a problem to show, not an exception. */
function readSettings(script: HTMLScriptElement): WidgetSettings | string {
  const d = script.dataset;
  if (!d.publishableKey) return 'The widget has no data-publishable-key.';
  if (!d.agentId) return 'The widget has no data-agent-id.';
  if (!d.wsUrl) return 'The widget has no data-ws-url.';
  let variables: Record<string, unknown> | undefined;
  if (d.variables) {
    try {
      variables = JSON.parse(d.variables);
    } catch {
      return 'The widget’s data-variables is not valid JSON.';
    }
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return 'The widget’s data-variables must be a JSON object.';
  }
  // The worklet comes from wherever this script came from (with CORS), never from the embedding page's origin.
  const workletUrl = new URL('../../worklets/capture.js', script.src || location.href).toString();
  return { publishableKey: d.publishableKey, agentId: d.agentId, voiceUrl: d.wsUrl, variables, workletUrl };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function mount(script: HTMLScriptElement) {
  const settings = readSettings(script);
  const host = el('div', { 'data-voiceagents-widget': '' });
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];

  const panel = el('section', { class: 'panel', 'aria-label': 'Voice assistant' });
  const row = el('div', { class: 'row' });
  const status = el('span', { class: 'status', role: 'status', 'data-call-phase': 'idle' }, phaseText.idle);
  const start = el('button', { type: 'button', class: 'start' }, 'Start call');
  const mute = el('button', { type: 'button', 'aria-pressed': 'false', hidden: '' }, 'Mute');
  const hangUp = el('button', { type: 'button', class: 'hangup', hidden: '' }, 'Hang up');
  const problem = el('p', { class: 'problem', role: 'alert', 'data-call-problem': '', hidden: '' });
  const captions = el('ol', { class: 'captions', 'aria-live': 'polite', 'aria-label': 'Live captions' });
  row.append(status, start, mute, hangUp);
  panel.append(row, problem, captions);
  root.append(panel);
  document.body.append(host);

  let call: VoiceCall | null = null;
  let muted = false;

  const showProblem = (message: string | null) => {
    problem.textContent = message ?? '';
    problem.hidden = message === null;
  };
  const setPhase = (phase: CallPhase) => {
    const inCall = phase === 'starting' || phase === 'connecting' || phase === 'live' || phase === 'ending';
    status.dataset.callPhase = phase;
    status.textContent = phase === 'live' && muted ? 'In call (muted).' : phaseText[phase];
    start.hidden = inCall;
    mute.hidden = hangUp.hidden = !inCall;
    mute.disabled = phase !== 'live';
    hangUp.disabled = phase === 'ending';
  };
  const showCaptions = (lines: TranscriptLine[]) => {
    captions.replaceChildren(
      ...lines.map((l) => {
        const li = el('li', { 'data-role': l.role, 'data-final': String(l.final) });
        li.append(el('span', { class: 'sr' }, l.role === 'user' ? 'You: ' : 'Agent: '), l.text);
        return li;
      }),
    );
    captions.lastElementChild?.scrollIntoView({ block: 'nearest' });
  };

  if (typeof settings === 'string') {
    start.disabled = true;
    showProblem(settings);
    return;
  }

  start.addEventListener('click', () => {
    showProblem(null);
    showCaptions([]);
    muted = false;
    mute.textContent = 'Mute';
    mute.setAttribute('aria-pressed', 'false');
    call = new VoiceCall({
      phase: setPhase,
      ready: () => undefined,
      transcript: showCaptions,
      userSpeaking: () => undefined,
      botSpeaking: () => undefined,
      metrics: () => undefined,
      problem: (message) => showProblem(message),
      ended: () => undefined,
    });
    void call.start({
      voiceUrl: settings.voiceUrl,
      auth: { publishable_key: settings.publishableKey, agent_id: settings.agentId, ...(settings.variables ? { variables: settings.variables } : {}) },
      workletUrl: settings.workletUrl,
      closeMeanings,
    });
  });
  mute.addEventListener('click', () => {
    muted = !muted;
    call?.setMuted(muted);
    mute.textContent = muted ? 'Unmute' : 'Mute';
    mute.setAttribute('aria-pressed', String(muted));
    status.textContent = muted ? 'In call (muted).' : phaseText.live;
  });
  hangUp.addEventListener('click', () => call?.hangUp());
  window.addEventListener('pagehide', () => call?.dispose());
}

// currentScript is only set while the script first runs; an async or deferred tag may run before the body exists.
const current = document.currentScript;
if (current instanceof HTMLScriptElement) {
  if (document.body) mount(current);
  else document.addEventListener('DOMContentLoaded', () => mount(current), { once: true });
}
