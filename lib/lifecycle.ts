// Whether this process is shutting down: long jobs (rewrap) check it between
// batches and stop at the next commit, so a shutdown never waits on them.
import { processSingleton } from "./singleton";

const state = () => processSingleton("lifecycle", () => ({ stopping: false }));

export function isStopping(): boolean {
  return state().stopping;
}

export function markStopping(): void {
  state().stopping = true;
}
