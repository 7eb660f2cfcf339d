/**
 * The model docs/models.md brings to the network: perceived brightness of RGB pixels,
 *   rgb uint8 [N,3] → luma float32 [N] (0.299 R + 0.587 G + 0.114 B, ITU-R BT.601), bright int64 [N] (luma > 127.5).
 * No npm package in the tree ships an ONNX model besides Silero VAD (already a genesis model),
 * so this one is built in code with onnx-proto, like the genesis MLP, and shipped as
 * keepers/models/luma.onnx (`npm run build-models -w keepers`). It is not a genesis model: it
 * goes through `par models register` and governance like any model you bring.
 */
import { encodeModel } from "../src/models.js";
import { DType, type TensorSpec } from "../src/tensors.js";

export const LUMA_INPUTS: TensorSpec[] = [{ name: "rgb", dtype: DType.uint8, shape: [-1, 3] }];
export const LUMA_OUTPUTS: TensorSpec[] = [
  { name: "luma", dtype: DType.float32, shape: [-1] },
  { name: "bright", dtype: DType.int64, shape: [-1] },
];

export function buildLuma(): Uint8Array {
  const nodes = [
    { opType: "Cast", input: ["rgb"], output: ["rgbf"], attribute: [{ name: "to", type: 2, i: 1 }] },
    { opType: "MatMul", input: ["rgbf", "weights"], output: ["luma"] },
    { opType: "Greater", input: ["luma", "half"], output: ["above"] },
    { opType: "Cast", input: ["above"], output: ["bright"], attribute: [{ name: "to", type: 2, i: 7 }] },
  ];
  const initializer = [
    { name: "weights", dataType: 1, dims: [3], floatData: [0.299, 0.587, 0.114] },
    { name: "half", dataType: 1, dims: [], floatData: [127.5] },
  ];
  return encodeModel(nodes, LUMA_INPUTS, LUMA_OUTPUTS, initializer, "luma");
}
