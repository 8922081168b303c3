/**
 * One browser call to an agent over voice-host's /ws (docs/voice-protocol.md): microphone capture through the
 * capture worklet, the socket, and playback. Used by the Talk page and by the embeddable widget (dashboard/widget),
 * which differ only in how they sign the call in and where the worklet is loaded from.
 */

export interface TranscriptLine {
  role: 'user' | 'assistant';
  text: string;
  final: boolean;
}

export interface TurnMetrics {
  turn: number;
  voice_to_voice_ms?: number;
  stt_ms?: number;
  llm_ttft_ms?: number;
  tts_ttfb_ms?: number;
}

export type CallPhase = 'idle' | 'starting' | 'connecting' | 'live' | 'ending' | 'ended';

export interface CallListener {
  phase(phase: CallPhase): void;
  ready(callId: string): void;
  transcript(lines: TranscriptLine[]): void;
  userSpeaking(speaking: boolean): void;
  botSpeaking(speaking: boolean): void;
  metrics(m: TurnMetrics): void;
  /** A problem for the person to read; `fatal` ones end the call. */
  problem(message: string, fatal: boolean): void;
  ended(message: string): void;
}

/** What each close code means to a person; a caller of VoiceCall may word some differently (`closeMeanings`). */
export const closeReasons: Record<number, string> = {
  1000: 'The call ended normally.',
  1006: 'The connection to voice-host was lost.',
  1009: 'A message was too large for voice-host.',
  4400: 'voice-host rejected a malformed message.',
  4401: 'voice-host did not accept your sign-in. Sign in again and retry.',
  4403: 'This agent does not exist in your organization.',
};

/** What the closing of the socket means to a person: the code's meaning and the server's reason. */
export function describeClose(code: number, reason: string, meanings: Record<number, string> = closeReasons): string {
  const meaning = meanings[code] ?? closeReasons[code] ?? 'The connection to voice-host closed.';
  return `${meaning}${reason ? ` Reason: “${reason}”.` : ''} (close code ${code})`;
}

/** What a getUserMedia failure means to a person. */
export function describeMicError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Microphone access was denied. Allow the microphone for this site (the icon in the address bar), then start the call again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Connect one and try again.';
  if (name === 'NotReadableError') return 'The microphone is in use by another application or could not be started.';
  if (typeof navigator !== 'undefined' && !navigator.mediaDevices) {
    return 'This page cannot use the microphone: open it over https or from 127.0.0.1/localhost.';
  }
  return `The microphone could not be started: ${e instanceof Error ? e.message : String(e)}`;
}

const maxQueuedFrames = 100; // 2 s of audio captured before voice-host is ready

/** How a call signs in to voice-host: the fields of the first message besides `type` and `sample_rate`. */
export type CallAuth =
  | { token: string; agent_id?: string }
  | { publishable_key: string; agent_id: string; variables?: Record<string, unknown> };

export interface CallOptions {
  voiceUrl: string;
  auth: CallAuth;
  /** Where the capture worklet is served; the widget loads it from its own origin, not the embedding page's. */
  workletUrl?: string;
  /** Close codes worded for this caller, over `closeReasons`. */
  closeMeanings?: Record<number, string>;
}

export class VoiceCall {
  private ctx: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private node: AudioWorkletNode | null = null;
  private socket: WebSocket | null = null;
  private isReady = false;
  private queued: ArrayBuffer[] = [];
  private lines: TranscriptLine[] = [];
  private outputRate = 16000;
  private playhead = 0;
  private sources = new Set<AudioBufferSourceNode>();
  private speakingUntil = 0;
  private userSpeaking = false;
  private endReason: string | null = null;
  private hangingUp = false;
  private finished = false;

  constructor(private readonly l: CallListener) {}

  async start(opts: CallOptions) {
    this.l.phase('starting');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (e) {
      this.finish(describeMicError(e), true);
      return;
    }
    try {
      this.ctx = new AudioContext({ latencyHint: 'interactive' });
      await this.ctx.audioWorklet.addModule(opts.workletUrl ?? '/worklets/capture.js');
      if (this.ctx.state === 'suspended') await this.ctx.resume();
      const source = this.ctx.createMediaStreamSource(this.stream);
      this.node = new AudioWorkletNode(this.ctx, 'capture-16k', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      this.node.port.onmessage = (e: MessageEvent<{ pcm: ArrayBuffer; level: number }>) => this.onFrame(e.data.pcm, e.data.level);
      // The capture node writes silence; joining it to the output (muted) keeps the graph pulling it.
      const sink = this.ctx.createGain();
      sink.gain.value = 0;
      source.connect(this.node).connect(sink).connect(this.ctx.destination);
    } catch (e) {
      this.finish(`The audio system could not be started: ${e instanceof Error ? e.message : String(e)}`, true);
      return;
    }

    this.l.phase('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(opts.voiceUrl);
    } catch (e) {
      this.finish(`The voice address ${opts.voiceUrl} is not valid: ${e instanceof Error ? e.message : String(e)}`, true);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () =>
      socket.send(JSON.stringify({ type: 'auth', ...opts.auth, sample_rate: 16000 }));
    socket.onmessage = (m) => (typeof m.data === 'string' ? this.onEvent(m.data) : this.play(m.data as ArrayBuffer));
    socket.onclose = (e) => {
      this.socket = null;
      if (this.finished) return;
      if (this.endReason !== null || (this.hangingUp && e.code === 1000)) {
        this.finish(`Call ended (${(this.endReason ?? 'caller_ended').replace(/_/g, ' ')}).`, false);
      } else {
        this.finish(describeClose(e.code, e.reason, opts.closeMeanings), true);
      }
    };
  }

  setMuted(muted: boolean) {
    this.node?.port.postMessage({ muted });
  }

  hangUp() {
    if (this.finished) return;
    this.hangingUp = true;
    this.l.phase('ending');
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'end' }));
      // voice-host answers with `end` and closes; don't wait for ever if it does not.
      setTimeout(() => this.socket?.close(1000, 'caller hung up'), 3000);
    } else {
      this.socket?.close(1000, 'caller hung up');
      this.finish('Call ended.', false);
    }
  }

  /** Stops everything at once (the page is going away). */
  dispose() {
    this.finished = true;
    this.socket?.close(1000, 'page closed');
    this.release();
  }

  private onFrame(pcm: ArrayBuffer, level: number) {
    const now = performance.now();
    if (level > 0.02) this.speakingUntil = now + 300;
    const speaking = now < this.speakingUntil;
    if (speaking !== this.userSpeaking) {
      this.userSpeaking = speaking;
      this.l.userSpeaking(speaking);
    }
    if (this.isReady && this.socket?.readyState === WebSocket.OPEN) this.socket.send(pcm);
    else if (!this.finished) {
      this.queued.push(pcm);
      if (this.queued.length > maxQueuedFrames) this.queued.shift();
    }
  }

  private onEvent(raw: string) {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(raw);
    } catch {
      return;
    }
    switch (e.type) {
      case 'ready': {
        this.isReady = true;
        this.outputRate = Number(e.output_sample_rate) || 16000;
        for (const pcm of this.queued) this.socket?.send(pcm);
        this.queued = [];
        this.l.ready(String(e.call_id));
        this.l.phase('live');
        break;
      }
      case 'transcript': {
        const line: TranscriptLine = { role: e.role === 'assistant' ? 'assistant' : 'user', text: String(e.text ?? ''), final: Boolean(e.final) };
        const last = this.lines[this.lines.length - 1];
        // A user interim is replaced by the next interim or by its final.
        if (last && last.role === 'user' && !last.final && line.role === 'user') this.lines = [...this.lines.slice(0, -1), line];
        else this.lines = [...this.lines, line];
        this.l.transcript(this.lines);
        break;
      }
      case 'bot_started_speaking':
        this.l.botSpeaking(true);
        break;
      case 'bot_stopped_speaking':
        this.l.botSpeaking(false);
        break;
      case 'interruption':
        this.stopPlayback();
        this.l.botSpeaking(false);
        break;
      case 'metrics':
        this.l.metrics(e as unknown as TurnMetrics);
        break;
      case 'error':
        this.l.problem(String(e.message ?? 'voice-host reported an error.'), Boolean(e.fatal));
        break;
      case 'end':
        this.endReason = String(e.reason ?? 'ended');
        break;
    }
  }

  /** Schedules each chunk right after the previous one, so the reply plays without gaps. */
  private play(data: ArrayBuffer) {
    const ctx = this.ctx;
    if (!ctx || data.byteLength < 2) return;
    const pcm = new Int16Array(data, 0, data.byteLength >> 1);
    const buffer = ctx.createBuffer(1, pcm.length, this.outputRate);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 0x8000;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    // After a gap (or at the start of a reply) keep 60 ms in hand against network jitter.
    if (this.playhead < ctx.currentTime + 0.01) this.playhead = ctx.currentTime + 0.06;
    source.start(this.playhead);
    this.playhead += buffer.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  private stopPlayback() {
    for (const s of this.sources) {
      try {
        s.stop();
      } catch {
        // already stopped
      }
    }
    this.sources.clear();
    this.playhead = 0;
  }

  private finish(message: string, isProblem: boolean) {
    if (this.finished) return;
    this.finished = true;
    this.release();
    this.l.userSpeaking(false);
    this.l.botSpeaking(false);
    if (isProblem) this.l.problem(message, true);
    this.l.ended(message);
    this.l.phase('ended');
  }

  private release() {
    this.stopPlayback();
    this.node?.port.close();
    this.node?.disconnect();
    this.stream?.getTracks().forEach((t) => t.stop());
    void this.ctx?.close().catch(() => undefined);
    this.node = null;
    this.stream = null;
    this.ctx = null;
  }
}
