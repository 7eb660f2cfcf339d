/**
 * A WAV file as the audio model's input: the samples, mixed to mono and resampled to 16 kHz, cut
 * into frames of 512 samples (the last one padded with silence), one frame a row, with the
 * model's sample rate and zero recurrent state. Frames beyond what one input may hold
 * (maxInputBytes) go into further inputs of a lot.
 *
 * The audio model is any model whose inputs are Silero VAD's: input [rows, samples], sr, h, c.
 */
import { encodeBundle, toTensors, type TensorSpec } from "@paradigm/keepers/tensors";
import { encodeLot, MAX_ITEMS } from "@paradigm/keepers/lot";

/** What of a model (market/models.ts's ModelInfo) the frames depend on. */
type ModelInfo = { id: number; maxInputBytes: number; inputs: readonly TensorSpec[] };
type EncodedInput = { bytes: Uint8Array; items: number };

export const SAMPLE_RATE = 16_000;
export const FRAME = 512;

export type Audio = { sampleRate: number; samples: Float32Array };

/** Whether `m` takes audio frames (Silero VAD's signature). */
export function takesAudio(m: ModelInfo): boolean {
  const names = m.inputs.map((s) => s.name).join(",");
  return names === "input,sr,h,c";
}

/** Decodes a RIFF WAV (PCM 8/16/24/32-bit or float 32-bit, any channels) to mono samples in [-1, 1]. */
export function decodeWav(bytes: Uint8Array): Audio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file (no RIFF/WAVE header); give a .wav recording");
  let format: { audioFormat: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (tag(at) === "fmt ") {
      const f = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const declared = f.getUint16(0, true);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID
      const audioFormat = declared === 0xfffe && body.length >= 26 ? f.getUint16(24, true) : declared;
      format = { audioFormat, channels: f.getUint16(2, true), sampleRate: f.getUint32(4, true), bits: f.getUint16(14, true) };
    } else if (tag(at) === "data") {
      data = body;
    }
    at += 8 + size + (size % 2);
  }
  if (!format || !data) throw new Error(`the WAV file has no ${format ? "data" : "fmt "} chunk`);
  const { audioFormat, channels, sampleRate, bits } = format;
  const float = audioFormat === 3;
  if (!(audioFormat === 1 && [8, 16, 24, 32].includes(bits)) && !(float && bits === 32)) {
    throw new Error(`WAV format ${audioFormat} with ${bits}-bit samples is not supported; save it as 16-bit PCM or 32-bit float`);
  }
  if (channels < 1 || sampleRate < 1) throw new Error("the WAV file declares no channels or no sample rate");
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = (at: number): number => {
    if (float) return d.getFloat32(at, true);
    if (bits === 8) return (d.getUint8(at) - 128) / 128;
    if (bits === 16) return d.getInt16(at, true) / 32768;
    if (bits === 24) return ((d.getUint8(at) | (d.getUint8(at + 1) << 8) | (d.getInt8(at + 2) << 16)) / 8388608);
    return d.getInt32(at, true) / 2147483648;
  };
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read((i * channels + c) * width);
    samples[i] = sum / channels;
  }
  return { sampleRate, samples };
}

/** `audio` at `rate`, by linear interpolation. */
export function resample(audio: Audio, rate: number): Float32Array {
  if (audio.sampleRate === rate) return audio.samples;
  const n = Math.floor((audio.samples.length * rate) / audio.sampleRate);
  const out = new Float32Array(n);
  const step = audio.sampleRate / rate;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = audio.samples[j] ?? 0;
    const b = audio.samples[j + 1] ?? a;
    out[i] = a + (b - a) * (x - j);
  }
  return out;
}

/** One bundle of `rows` frames starting at frame `from` of `samples`. */
function bundle(m: ModelInfo, samples: Float32Array, from: number, rows: number): Uint8Array {
  const input = new Float32Array(rows * FRAME);
  input.set(samples.subarray(from * FRAME, Math.min(samples.length, (from + rows) * FRAME)));
  return encodeBundle(m.inputs, toTensors(m.inputs, {
    input: { dims: [rows, FRAME], data: input },
    sr: { dims: [], data: BigInt64Array.of(BigInt(SAMPLE_RATE)) },
    h: { dims: [2, rows, 64], data: new Float32Array(2 * rows * 64) },
    c: { dims: [2, rows, 64], data: new Float32Array(2 * rows * 64) },
  }));
}

/** A WAV file's bytes as the audio model's input: one task, a lot when the frames need several inputs. */
export function wavToInput(m: ModelInfo, bytes: Uint8Array): EncodedInput {
  if (!takesAudio(m)) throw new Error(`model #${m.id} does not take audio frames (its inputs are ${m.inputs.map((s) => s.name).join(", ")}); pick the audio model for a WAV file`);
  const samples = resample(decodeWav(bytes), SAMPLE_RATE);
  if (samples.length === 0) throw new Error("the WAV file holds no samples");
  const frames = Math.ceil(samples.length / FRAME);
  // a bundle's size grows by a fixed amount per row: find how many rows one input may hold
  const base = bundle(m, samples, 0, 1).length;
  const perRow = bundle(m, samples, 0, 2).length - base;
  const perItem = Math.floor((m.maxInputBytes - base) / perRow) + 1;
  if (perItem < 1) throw new Error(`one frame does not fit the model's maxInputBytes of ${m.maxInputBytes}`);
  const items = Math.ceil(frames / perItem);
  if (items > MAX_ITEMS) throw new Error(`the recording needs ${items} inputs, more than a lot's ${MAX_ITEMS}; cut it shorter`);
  const parts = Array.from({ length: items }, (_, i) => bundle(m, samples, i * perItem, Math.min(perItem, frames - i * perItem)));
  return items === 1 ? { bytes: parts[0]!, items: 1 } : { bytes: encodeLot(parts), items };
}
