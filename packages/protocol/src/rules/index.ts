// @hearth/protocol/rules — the circle rules engine: every command's permission checks and effects, pure and
// synchronous, shared by the in-memory backend and the reference server. See ./README.md for the rules.
export { execute } from './execute.js';
export { admit, previewCircle } from './admit.js';
export { initCircle } from './init-circle.js';
export { viewEventFor, viewMemberFor, viewMessageFor, viewReplayFor } from './view.js';
export { createMemoryRepository } from './memory-repository.js';
export type { MemoryRepository } from './memory-repository.js';
export type {
  AdmitOutcome, AdmitRequest, ExecuteContext, ExecuteOutcome, InitCircleInput, InitCircleOutcome, NameSkeletons, RulesContext,
} from './engine.js';
export { rewritesEarlierEvents } from './repository.js';
export type { AppliedCommand, CircleRecord, CircleRepository, EventDraft, WordFilter } from './repository.js';
export type { Ack } from './ack.js';
