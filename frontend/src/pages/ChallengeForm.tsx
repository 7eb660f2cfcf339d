/**
 * Challenge a submitted result (a staked keeper only): commit to the challenge, then, from the
 * next block, challenge with a different canonical output (the SDK's commitment scheme).
 */
import { useState } from "react";
import { challengeCommitment } from "@paradigm/keepers/challenge";
import { isHex, keccak256, type Hex } from "viem";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import type { Timeline } from "../market/timeline";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Field, Section } from "../ui/Field";
import { useReady } from "../wallet/useReady";

export function ChallengeForm({ t }: { t: Timeline }) {
  const k = useContracts();
  const { address, ready } = useReady();
  const active = useRead(["active", address], (c) => c.readContract({ ...k.keepers, functionName: "isActive", args: [address!] }), { enabled: !!address });
  const [output, setOutput] = useState("");
  const tx = useTx();
  if (!active.data) return <p className="small">A staked keeper other than the submitter may challenge this result until the window closes.</p>;
  const valid = isHex(output) && output.length > 2 && output.length % 2 === 0;
  return (
    <Section title="Challenge this result" testId="challenge">
      <Field label="Your canonical output (hex)"><input value={output} onChange={(e) => setOutput(e.target.value.trim())} placeholder="0x…" data-testid="challenge-output" /></Field>
      <button disabled={!ready || !valid} data-testid="challenge-submit" onClick={() => tx.run(`Challenge task ${t.id}`, async (s) => {
        const hash = keccak256(output as Hex);
        await s.send({ ...k.market, functionName: "commitChallenge", args: [t.id, challengeCommitment(t.id, hash, s.account)] }, "commit");
        const committed = await s.client.getBlockNumber();
        while ((await s.client.getBlockNumber()) <= committed) await new Promise((r) => setTimeout(r, 500));
        await s.send({ ...k.market, functionName: "challenge", args: [t.id, t.task, hash, output as Hex, ""] }, "challenge");
        return "the dispute is open in the court";
      })}>Commit and challenge</button>
      <TxStatus state={tx.state} />
    </Section>
  );
}
