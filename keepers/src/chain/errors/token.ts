/**
 * Sentences for ParadigmToken's errors and the OpenZeppelin errors it inherits (ERC-20, ERC-2612
 * permits, ECDSA, votes). A transfer inside a market or registry call reverts with these too.
 */
import { addr, bps, par, when, type Table } from "./format.js";

export const tokenSentences: Table = {
  // ERC-20 (IERC6093)
  ERC20InsufficientBalance: (a) =>
    `${a.sender} holds ${par(a.balance)} but this needs ${par(a.needed)}; send that wallet at least ${par(BigInt(a.needed) - BigInt(a.balance))} more first (par wallet balance shows it)`,
  ERC20InsufficientAllowance: (a) =>
    `${a.spender} may spend only ${par(a.allowance)} of your PAR but this needs ${par(a.needed)}; approve at least that much first (the SDK's posts sign a permit unless permit: false)`,
  ERC20InvalidSender: (a) => `PAR cannot be sent from ${addr(a.sender)}`,
  ERC20InvalidReceiver: (a) => `PAR cannot be sent to ${addr(a.receiver)}; give a real recipient address`,
  ERC20InvalidApprover: (a) => `${addr(a.approver)} cannot approve PAR spending`,
  ERC20InvalidSpender: (a) => `${addr(a.spender)} cannot be approved to spend PAR; give a real spender address`,
  ERC20ExceededSafeSupply: (a) => `minting would take the PAR supply to ${par(a.increasedSupply)}, past what votes can track (${par(a.cap)})`,
  // ERC-2612 permits, EIP-712 signatures, nonces
  ERC2612ExpiredSignature: (a, c) => `the permit signature expired at ${when(a.deadline, c)}; sign a new permit`,
  ERC2612InvalidSigner: (a) =>
    `the permit was signed by ${a.signer}, not by the owner ${a.owner}; sign it with the owner's key for this chain and token`,
  ECDSAInvalidSignature: () => "the signature is invalid (it recovers no signer); sign again",
  ECDSAInvalidSignatureLength: (a) => `the signature is ${a.length} bytes long, not 65; sign again`,
  ECDSAInvalidSignatureS: (a) => `the signature's s value ${a.s} is not canonical (upper half of the curve order); sign again with a standard signer`,
  InvalidAccountNonce: (a) => `the signature of ${a.account} uses a stale nonce; its nonce is now ${a.currentNonce}: sign again with it`,
  // votes (ERC20Votes, ERC-5805)
  VotesExpiredSignature: (a, c) => `the delegation signature expired at ${when(a.expiry, c)}; sign a new one`,
  ERC5805FutureLookup: (a) => `votes at timepoint ${a.timepoint} are not known yet (the clock is at ${a.clock}); ask about a past timepoint`,
  CheckpointUnorderedInsertion: () => "a vote checkpoint was written out of order (a contract bug); report it",
  // EIP-712 domain strings (deployment only)
  StringTooLong: (a) => `the string "${a.str}" is too long for a short string (31 bytes at most)`,
  InvalidShortString: () => "a short string is malformed (a deployment bug); report it",
  // ParadigmToken
  NotMinter: (a) => `only the emission pool may mint PAR, and ${a.caller} is not it`,
  NotGovernance: (a) => `only governance (the timelock) may do this, and ${a.caller} is not it; propose it through governance`,
  MinterAlreadySet: (a) => `the PAR minter is already set (to ${a.minter}) and cannot change`,
  InvalidMinter: (a) => `${addr(a.minter)} cannot be the PAR minter; give the emission pool's address`,
  CapExceeded: (a) => `minting would take the PAR supply to ${par(a.supplyAfter)}, above the cap of ${par(a.cap)}`,
  CapRaiseTooSoon: (a, c) => `the supply cap was raised less than a year ago; the next raise is allowed from ${when(a.nextAllowedAt, c)}`,
  InvalidCapRaise: (a) =>
    `a cap of ${par(a.requested)} is not allowed: a raise must lie above the current cap of ${par(a.currentCap)} and at most ${par(a.maxCap)}`,
  CapGrowthOutOfBounds: (a) => `a yearly cap growth of ${bps(a.requested)} is above the maximum of ${bps(a.maximum)}`,
};
