/**
 * Sentences for errors every Paradigm contract shares: governance parameters (IGoverned) and the
 * OpenZeppelin access control, reentrancy guard, SafeERC20 and SafeCast errors.
 */
import { paramValue, role, text, type Table } from "./format.js";

export const commonSentences: Table = {
  ParameterOutOfBounds: (a) => {
    const name = text(a.name);
    return `parameter ${name} must lie between ${paramValue(name, a.min)} and ${paramValue(name, a.max)}; ${paramValue(name, a.value)} was given`;
  },
  UnknownParameter: (a) => `${text(a.name)} is not a parameter of this contract; check its name (each contract's setParameter documents its parameters)`,
  AccessControlUnauthorizedAccount: (a) => `${a.account} lacks ${role(a.neededRole)} on this contract; only a holder of that role may do this`,
  RoleSealed: (a) =>
    `${role(a.role)} was sealed at deployment: nobody, governance included, can grant, revoke or renounce it, so no key can mint, move or slash funds outside the protocol's rules`,
  AccessControlBadConfirmation: () => "an account may only renounce its own role: pass your own address as the confirmation",
  ReentrancyGuardReentrantCall: () => "the call re-entered the contract while it was busy (a callback called back in); call it separately",
  SafeERC20FailedOperation: (a) => `the PAR token ${a.token} refused the transfer; check the balance and allowance`,
  SafeCastOverflowedUintDowncast: (a) => `the value ${a.value} does not fit in ${a.bits} bits; give a smaller value`,
  ZeroAddress: () => "an address argument is the zero address; give a real address",
  NotMarket: (a) => `only the task market may call this, and ${a.caller} is not it`,
};
