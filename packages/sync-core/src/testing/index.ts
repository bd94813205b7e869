export { FakeClock } from "./fake-clock";
export {
  administratorNode,
  defaultFields,
  directorySnapshot,
  directoryUser,
  groupMapping,
  rescueTree,
  technicianNode,
} from "./fixtures";
export {
  type InMemoryDirectoryOptions,
  InMemoryDirectorySource,
  type InMemoryGroup,
} from "./in-memory-directory-source";
export { InMemoryRescueDirectory, type InMemoryRescueOptions, type StoredNode } from "./in-memory-rescue-directory";
export { type RecordedLog, RecordingRunRecorder } from "./recording-run-recorder";
export { seededRandom } from "./seeded-random";
