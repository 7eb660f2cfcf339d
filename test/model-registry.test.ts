import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { sha256, stringToHex, toHex } from "viem";

type Tensor = { name: string; dtype: number; shape: bigint[] };
type Spec = {
  modelHash: `0x${string}`;
  uri: string;
  computeUnits: number;
  maxInputBytes: number;
  maxOutputBytes: number;
  outputDecimals: number;
  tolerance: number;
  inputs: Tensor[];
  outputs: Tensor[];
};

const field = (name: string) => stringToHex(name, { size: 32 });

/** A voice-activity-detector-like spec: float32 audio in, float32 probability out. */
function vadSpec(salt = "silero"): Spec {
  return {
    modelHash: sha256(toHex(salt)),
    uri: "npm:@ricky0123/vad-web/dist/silero_vad.onnx",
    computeUnits: 40,
    maxInputBytes: 65_536,
    maxOutputBytes: 64,
    outputDecimals: 4,
    tolerance: 2,
    inputs: [
      { name: "input", dtype: 1, shape: [1n, -1n] },
      { name: "sr", dtype: 2, shape: [] },
    ],
    outputs: [{ name: "output", dtype: 1, shape: [1n, 1n] }],
  };
}

async function deploy() {
  const { viem } = await network.create();
  const [admin, alice, stranger] = await viem.getWalletClients();
  const registry = await viem.deployContract("ModelRegistry", [admin.account.address]);
  const publicClient = await viem.getPublicClient();
  return { viem, publicClient, registry, admin, alice, stranger };
}

describe("ModelRegistry", () => {
  describe("propose", () => {
    it("assigns ids from 1 and stores every field for modelOf", async () => {
      const { registry, alice } = await deploy();
      const spec = vadSpec();
      await registry.write.propose([spec], { account: alice.account });
      await registry.write.propose([vadSpec("other")], { account: alice.account });
      assert.equal(await registry.read.modelCount(), 2);
      assert.equal(await registry.read.idOf([spec.modelHash]), 1);

      const model = await registry.read.modelOf([1]);
      assert.equal(model.id, 1);
      assert.equal(model.status, 1);
      assert.equal(model.proposer.toLowerCase(), alice.account.address.toLowerCase());
      assert.ok(model.proposedAt > 0n);
      assert.deepEqual(
        { ...model.spec, inputs: [...model.spec.inputs], outputs: [...model.spec.outputs] },
        {
          ...spec,
          inputs: spec.inputs.map((t) => ({ ...t })),
          outputs: spec.outputs.map((t) => ({ ...t })),
        },
      );
    });

    it("emits ModelProposed with the id, hash, proposer and full spec", async () => {
      const { viem, registry, alice } = await deploy();
      const spec = vadSpec();
      await viem.assertions.emitWithArgs(
        registry.write.propose([spec], { account: alice.account }),
        registry,
        "ModelProposed",
        [1, spec.modelHash, alice.account.address, spec],
      );
    });

    it("packs status, computeUnits and byte limits into taskSpec", async () => {
      const { registry } = await deploy();
      await registry.write.propose([vadSpec()]);
      assert.deepEqual(await registry.read.taskSpec([1]), [1, 40, 65_536, 64]);
      assert.deepEqual(await registry.read.taskSpec([9]), [0, 0, 0, 0]);
    });

    it("reverts DuplicateModel when the sha256 is already registered", async () => {
      const { viem, registry } = await deploy();
      await registry.write.propose([vadSpec()]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), uri: "ipfs://elsewhere" }]),
        registry,
        "DuplicateModel",
        [vadSpec().modelHash, 1],
      );
    });

    it("reverts ZeroModelHash when the hash is zero", async () => {
      const { viem, registry } = await deploy();
      await viem.assertions.revertWithCustomError(
        registry.write.propose([{ ...vadSpec(), modelHash: `0x${"00".repeat(32)}` }]),
        registry,
        "ZeroModelHash",
      );
    });

    it("reverts InvalidUri when the uri is empty or too long", async () => {
      const { viem, registry } = await deploy();
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), uri: "" }]),
        registry,
        "InvalidUri",
        [0n, 512n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), uri: "x".repeat(513) }]),
        registry,
        "InvalidUri",
        [513n, 512n],
      );
    });

    for (const [name, patch, value] of [
      ["computeUnits", { computeUnits: 0 }, 0n],
      ["maxInputBytes", { maxInputBytes: 0 }, 0n],
      ["maxOutputBytes", { maxOutputBytes: 0 }, 0n],
      ["outputDecimals", { outputDecimals: 19 }, 19n],
    ] as const) {
      it(`reverts InvalidLimit naming ${name} when it is out of range`, async () => {
        const { viem, registry } = await deploy();
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.propose([{ ...vadSpec(), ...patch }]),
          registry,
          "InvalidLimit",
          [field(name), value],
        );
      });
    }

    it("reverts InvalidTensorCount when inputs or outputs are empty or too many", async () => {
      const { viem, registry } = await deploy();
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), inputs: [] }]),
        registry,
        "InvalidTensorCount",
        [true, 0n, 16n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), outputs: [] }]),
        registry,
        "InvalidTensorCount",
        [false, 0n, 16n],
      );
      const many = Array.from({ length: 17 }, (_, i) => ({ name: `t${i}`, dtype: 1, shape: [1n] }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...vadSpec(), outputs: many }]),
        registry,
        "InvalidTensorCount",
        [false, 17n, 16n],
      );
    });

    it("reverts InvalidTensorName when a name is empty or too long", async () => {
      const { viem, registry } = await deploy();
      const spec = vadSpec();
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...spec, inputs: [spec.inputs[0], { ...spec.inputs[1], name: "" }] }]),
        registry,
        "InvalidTensorName",
        [true, 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...spec, outputs: [{ ...spec.outputs[0], name: "n".repeat(65) }] }]),
        registry,
        "InvalidTensorName",
        [false, 0n],
      );
    });

    it("reverts InvalidDtype for dtypes outside 1..4", async () => {
      const { viem, registry } = await deploy();
      const spec = vadSpec();
      for (const dtype of [0, 5]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.propose([{ ...spec, outputs: [{ ...spec.outputs[0], dtype }] }]),
          registry,
          "InvalidDtype",
          [false, 0n, dtype],
        );
      }
    });

    it("reverts InvalidRank above 8 dimensions", async () => {
      const { viem, registry } = await deploy();
      const spec = vadSpec();
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.propose([{ ...spec, inputs: [{ ...spec.inputs[0], shape: Array(9).fill(1n) }] }]),
        registry,
        "InvalidRank",
        [true, 0n, 9n, 8n],
      );
    });

    it("reverts InvalidDimension for 0 or negative dims other than -1", async () => {
      const { viem, registry } = await deploy();
      const spec = vadSpec();
      for (const dim of [0n, -2n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.propose([{ ...spec, inputs: [{ ...spec.inputs[0], shape: [1n, 3n, dim] }] }]),
          registry,
          "InvalidDimension",
          [true, 0n, 2n, dim],
        );
      }
    });
  });

  describe("governance", () => {
    it("approves a proposed model and retires it", async () => {
      const { viem, registry } = await deploy();
      await registry.write.propose([vadSpec()]);
      assert.equal(await registry.read.isApproved([1]), false);
      await viem.assertions.emitWithArgs(registry.write.approve([1]), registry, "ModelApproved", [1]);
      assert.equal(await registry.read.isApproved([1]), true);
      assert.equal((await registry.read.taskSpec([1]))[0], 2);
      await viem.assertions.emitWithArgs(registry.write.retire([1]), registry, "ModelRetired", [1]);
      assert.equal(await registry.read.isApproved([1]), false);
      assert.equal((await registry.read.modelOf([1])).status, 3);
    });

    it("retires a proposal that was never approved", async () => {
      const { registry } = await deploy();
      await registry.write.propose([vadSpec()]);
      await registry.write.retire([1]);
      assert.equal((await registry.read.taskSpec([1]))[0], 3);
    });

    it("reverts InvalidStatus when approving twice, approving a retired model or retiring twice", async () => {
      const { viem, registry } = await deploy();
      await registry.write.propose([vadSpec()]);
      await registry.write.approve([1]);
      await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approve([1]), registry, "InvalidStatus", [1, 2]);
      await registry.write.retire([1]);
      await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approve([1]), registry, "InvalidStatus", [1, 3]);
      await viem.assertions.revertWithCustomErrorWithArgs(registry.write.retire([1]), registry, "InvalidStatus", [1, 3]);
    });

    it("reverts UnknownModel for ids never assigned", async () => {
      const { viem, registry } = await deploy();
      await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approve([1]), registry, "UnknownModel", [1]);
      await viem.assertions.revertWithCustomErrorWithArgs(registry.write.retire([7]), registry, "UnknownModel", [7]);
      await viem.assertions.revertWithCustomErrorWithArgs(registry.read.modelOf([0]), registry, "UnknownModel", [0]);
    });

    it("reverts AccessControlUnauthorizedAccount when a stranger approves or retires", async () => {
      const { viem, registry, stranger } = await deploy();
      await registry.write.propose([vadSpec()]);
      for (const call of [
        registry.write.approve([1], { account: stranger.account }),
        registry.write.retire([1], { account: stranger.account }),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, registry, "AccessControlUnauthorizedAccount", [
          stranger.account.address,
          `0x${"00".repeat(32)}`,
        ]);
      }
    });
  });
});
