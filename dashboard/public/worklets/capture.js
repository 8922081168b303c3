// Microphone capture for the Talk page, in the audio thread: the input (at the AudioContext's rate, usually 44.1 or
// 48 kHz) goes through a windowed-sinc low-pass below 8 kHz, is resampled to 16 kHz (linear interpolation between
// filtered samples, so any input rate works), converted to PCM16 and posted in 20 ms frames (320 samples) with
// each frame's RMS level. While muted it posts silence, since the voice protocol wants a continuous stream.
const OUT_RATE = 16000;
const FRAME = 320;
const TAPS = 63;

function lowPass(inRate) {
  // Cutoff at 7.2 kHz (0.9 × Nyquist of 16 kHz), Blackman window, unity gain at DC.
  const fc = 7200 / inRate;
  const h = new Float32Array(TAPS);
  const m = TAPS - 1;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const x = i - m / 2;
    const sinc = x === 0 ? 2 * Math.PI * fc : Math.sin(2 * Math.PI * fc * x) / x;
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / m) + 0.08 * Math.cos((4 * Math.PI * i) / m);
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < TAPS; i++) h[i] /= sum;
  return h;
}

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.h = lowPass(sampleRate);
    this.step = sampleRate / OUT_RATE;
    this.size = 4096; // ring of input samples, a power of two larger than TAPS + one render quantum
    this.ring = new Float32Array(this.size);
    this.written = 0; // input samples written so far
    this.t = TAPS; // the next output sample's position, in input samples
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.energy = 0;
    this.muted = false;
    this.port.onmessage = (e) => {
      if (e.data && typeof e.data.muted === 'boolean') this.muted = e.data.muted;
    };
  }

  filtered(k) {
    // y[k] = sum h[j] x[k - j]
    const mask = this.size - 1;
    let acc = 0;
    for (let j = 0; j < TAPS; j++) acc += this.h[j] * this.ring[(k - j) & mask];
    return acc;
  }

  process(inputs) {
    const input = inputs[0];
    const channel = input && input[0];
    const n = channel ? channel.length : 128;
    const mask = this.size - 1;
    for (let i = 0; i < n; i++) {
      // Mixed down to mono when the device gives more than one channel; silence when there is no input yet.
      let s = 0;
      if (channel) {
        for (let c = 0; c < input.length; c++) s += input[c][i];
        s /= input.length;
      }
      this.ring[this.written & mask] = s;
      this.written++;
    }
    while (Math.floor(this.t) + 1 <= this.written - 1) {
      const i = Math.floor(this.t);
      const f = this.t - i;
      let y = this.filtered(i) * (1 - f) + this.filtered(i + 1) * f;
      if (this.muted) y = 0;
      y = Math.max(-1, Math.min(1, y));
      this.energy += y * y;
      this.frame[this.filled++] = y < 0 ? y * 0x8000 : y * 0x7fff;
      if (this.filled === FRAME) {
        const pcm = this.frame.buffer;
        this.port.postMessage({ pcm, level: Math.sqrt(this.energy / FRAME) }, [pcm]);
        this.frame = new Int16Array(FRAME);
        this.filled = 0;
        this.energy = 0;
      }
      this.t += this.step;
    }
    return true;
  }
}

registerProcessor('capture-16k', CaptureProcessor);
