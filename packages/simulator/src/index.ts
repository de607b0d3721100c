// Our declarations use Node types (Buffer, node:net); this makes the shipped index.d.ts load them
// itself, since TypeScript 6 no longer loads @types/node unless a project lists it.
/// <reference types="node" preserve="true" />
/**
 * @rx8583/simulator — ISO 8583 issuer and switch simulators written as RxJS pipelines, a load
 * generator, and the `rx8583` command line. Built on the public APIs of `@rx8583/iso8583` and
 * `@rx8583/connection` only.
 *
 * @example
 * ```ts
 * import { startIssuer } from '@rx8583/simulator';
 * import { spec87ascii } from '@rx8583/iso8583';
 *
 * const issuer = await startIssuer({
 *   spec: spec87ascii,
 *   port: 8583,
 *   rules: { rules: [{ name: 'decline big', match: { amount: { min: 100_000 } }, respond: { code: '05' } }] },
 * });
 * ```
 */

// issuer
export {
  validateRules,
  type IssuerRules,
  type Rule,
  type RuleMatch,
  type Latency,
  type Fault,
  type AccountsConfig,
  type NetworkManagementConfig,
} from './issuer/rules';
export { compileMatch, matchesRule, panMatches, type RequestTest } from './issuer/match-rule';
export { sampleLatency } from './issuer/latency';
export { CardAccounts, originalDataOf, originalDataIn, type AccountDecision } from './issuer/accounts';
export { networkRequest, type NetworkRequest } from './issuer/network-management';
export {
  IssuerSimulator,
  type IssuerAnswer,
  type IssuerDecision,
  type IssuerOptions,
  type LinkState,
} from './issuer/issuer';
export {
  issuerHandler,
  startIssuer,
  type IssuerError,
  type RunningIssuer,
  type StartIssuerOptions,
} from './issuer/serve-issuer';

// switch
export {
  validateRouting,
  type Routing,
  type Route,
  type IssuerLinks,
  type StandInRules,
  type StoreAndForwardConfig,
} from './switch/routing';
export { standIn, type StandInDecision } from './switch/stand-in';
export { LegBook, type LegRecord } from './switch/leg-book';
export { openIssuerForwarding, type IssuerForwarding, type IssuerForwardingOptions } from './switch/issuer-forwarding';
export { startSwitch, type SwitchOptions, type RunningSwitch, type SwitchEvent } from './switch/switch';

// load
export { runLoad, type LoadOptions } from './load/run-load';
export { LatencyRecorder, renderReport, type LoadReport } from './load/latency-report';
export { readMix, mixPicker, type MixEntry } from './load/message-mix';
export { readMessage, fieldValue, type MessageJson } from './message-json';

// errors
export { SimulatorError, RuleError, RoutingError, MixError, UsageError } from './errors';
