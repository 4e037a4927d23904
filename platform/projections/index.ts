export { AppliedSignal, type StreamVersion } from "./applied-signal.ts";
export { applyEvents } from "./apply.ts";
export { clusterProjectionStatuses } from "./cluster-status.ts";
export { type DeadLetter, deadLettersOf } from "./dead-letters.ts";
export {
	batchHandler,
	defineProjection,
	groupOf,
	type ProjectedEvent,
	type Projection,
	type ProjectionBatchHandler,
	type ProjectionDb,
	type ProjectionHandler,
} from "./projection.ts";
export { projectionSink } from "./projection-sink.ts";
export { waitForPosition } from "./read-your-writes.ts";
export { type RebuildReport, rebuildProjection } from "./rebuild.ts";
export { type ReplayReport, replayDeadLetters } from "./replay.ts";
export { type ProjectionStatus, projectionStatus } from "./status.ts";
