/** A WAV recording as the audio model's input: decoding, mixdown, resampling, frames, and a lot when it is long. */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { decodeLot } from "../../keepers/src/lot.js";
import { MODELS } from "../../keepers/src/models.js";
import { decodeBundle } from "../../keepers/src/tensors.js";
import { decodeWav, FRAME, wavToInput } from "../src/market/wav.js";

/** A model as the page reads it from the registry, from the SDK's catalog entry `key`. */
const modelInfo = (key: string, id: number) => ({ ...MODELS[key]!, id });
const silero = modelInfo("silero", 3);

/** A WAV file: `channels` × `seconds` of a 440 Hz sine (the right channel at half amplitude), 16-bit PCM or 32-bit float. */
function wav(rate: number, channels: number, seconds: number, float = false): Uint8Array {
  const frames = Math.round(rate * seconds);
  const width = float ? 4 : 2;
  const data = frames * channels * width;
  const out = new DataView(new ArrayBuffer(44 + data));
  const text = (at: number, s: string) => [...s].forEach((ch, i) => out.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF"); out.setUint32(4, 36 + data, true); text(8, "WAVE");
  text(12, "fmt "); out.setUint32(16, 16, true); out.setUint16(20, float ? 3 : 1, true); out.setUint16(22, channels, true);
  out.setUint32(24, rate, true); out.setUint32(28, rate * channels * width, true); out.setUint16(32, channels * width, true); out.setUint16(34, width * 8, true);
  text(36, "data"); out.setUint32(40, data, true);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.sin((2 * Math.PI * 440 * i) / rate) * (c === 0 ? 0.5 : 0.25);
      const at = 44 + (i * channels + c) * width;
      if (float) out.setFloat32(at, v, true);
      else out.setInt16(at, Math.round(v * 32767), true);
    }
  }
  return new Uint8Array(out.buffer);
}

describe("dApp: a WAV file as the audio model's input", () => {
  it("mixes stereo 44.1 kHz 16-bit PCM to mono, resamples to 16 kHz and cuts 512-sample frames, the last padded", () => {
    const audio = decodeWav(wav(44_100, 2, 0.5));
    assert.equal(audio.sampleRate, 44_100);
    assert.ok(Math.abs(audio.samples[10]! - ((0.5 + 0.25) / 2) * Math.sin((2 * Math.PI * 440 * 10) / 44_100)) < 1e-4, "mono = the channels' mean");
    const { bytes, items } = wavToInput(silero, wav(44_100, 2, 0.5));
    assert.equal(items, 1);
    const [input, sr, h] = decodeBundle(silero.inputs, bytes, silero.maxInputBytes);
    assert.deepEqual(input!.dims, [Math.ceil(8_000 / FRAME), FRAME]); // 0.5 s at 16 kHz = 8,000 samples
    assert.equal((sr!.data as BigInt64Array)[0], 16_000n);
    assert.deepEqual(h!.dims, [2, 16, 64]);
    const data = input!.data as Float32Array;
    assert.ok(Math.abs(data[16]! - 0.375 * Math.sin((2 * Math.PI * 440 * 16) / 16_000)) < 2e-3, "16 kHz sample 16 is the sine at 1 ms");
    assert.equal(data[data.length - 1], 0, "the last frame is padded with silence");
  });

  it("puts a recording longer than one input holds into a lot, every frame once", () => {
    const { bytes, items } = wavToInput(silero, wav(16_000, 1, 10, true)); // 160,000 samples: 313 frames
    assert.ok(items > 1);
    const parts = decodeLot(bytes, items).map((b) => decodeBundle(silero.inputs, b, silero.maxInputBytes)[0]!.dims[0]!);
    assert.equal(parts.reduce((a, b) => a + b, 0), 313);
  });

  it("refuses what is not a WAV file, and a WAV file for a model that does not take audio, saying which", () => {
    assert.throws(() => wavToInput(silero, new TextEncoder().encode("hello, not audio")), /not a WAV file/);
    assert.throws(() => wavToInput(modelInfo("mlp", 1), wav(16_000, 1, 0.1)), /does not take audio frames.*pick the audio model/);
  });
});
