// Long loops on the event loop (over every series of a dataset group) pause now and then, so that an API call
// arriving meanwhile is answered within milliseconds instead of after the whole loop.

/** Synchronous work between two pauses, in milliseconds. */
const SLICE_MS = 8;

export class TimeSlice {
  private start = performance.now();

  constructor(private readonly ms = SLICE_MS) {}

  /** Whether the slice is used up: the loop should `await pause()` before going on. */
  due(): boolean {
    return performance.now() - this.start >= this.ms;
  }

  /** Lets pending I/O callbacks (HTTP requests) run, then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
