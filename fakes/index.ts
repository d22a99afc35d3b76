/**
 * Fake upstreams: one behaviour model, played by the simulator, the HTTP server and msw.
 * The msw handlers live in ./msw.js (msw is a dev dependency, so they are not re-exported here).
 */
export {
  FakeUpstream,
  DEFAULT_LATENCY,
  DEFAULT_ITL,
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_QUEUE,
} from './upstream.js';
export type { Decision, FakeUpstreamOptions, PlanSink } from './upstream.js';
export type {
  HangPlan,
  HeaderMap,
  Plan,
  PlanKind,
  RefusePlan,
  ResetPlan,
  RespondPlan,
  StreamEnd,
  StreamPlan,
  Usage,
} from './plan.js';
export { outcomeOf, serviceMsOf, streamServiceMs, tokenTime, tokensSent } from './plan.js';
export { chatRequest, requestFromHttp, routeOf } from './request.js';
export type { FakeRequest, Route } from './request.js';
export {
  FAULT_KINDS,
  zDistribution,
  zFakeFile,
  zFault,
  zFaultSpec,
  zTokenCount,
  zUpstream,
} from './config.js';
export type { FakeFile, FaultConfig, FaultKind, FaultSpec, UpstreamConfig } from './config.js';
export { Sampler, sampler, sampleCount } from './distribution.js';
export type { Distribution, TokenCount } from './distribution.js';
export { playPlan } from './player.js';
export type { Playback, PlayOptions, PlayTarget } from './player.js';
export { FakeServer, startFakeServer } from './server.js';
export type { FakeServerOptions } from './server.js';
export { Fleet, startFleet, seedOf } from './fleet.js';
export type { FleetOptions } from './fleet.js';
export { Counters } from './counters.js';
export type { ActiveFault } from './timeline.js';
