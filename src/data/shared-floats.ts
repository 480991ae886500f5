// Float64 arrays on shared memory, so that prepared series reach the worker threads without a copy: structured
// clone passes a SharedArrayBuffer by reference. Arrays are carved out of a few large blocks because each
// SharedArrayBuffer costs the clone much more than a view on one does (a buffer per series made handing 10,000
// series to a worker slower than copying them).

/** Floats per block at most (512 MiB); a longer array gets a block of its own. */
const MAX_BLOCK = 64 * 1024 * 1024;
/** Floats per block when the expected total is unknown or used up (4 MiB). */
const MIN_BLOCK = 512 * 1024;

export class SharedFloats {
  private block: Float64Array = new Float64Array(0);
  private used = 0;

  /** `expected`: how many floats will be taken in all, so that the blocks fit it (a hint, not a limit). */
  constructor(private expected = 0) {}

  /** A new array of `length` zeros on shared memory. */
  take(length: number): Float64Array {
    if (this.used + length > this.block.length) {
      const size = Math.max(length, this.expected > 0 ? Math.min(MAX_BLOCK, this.expected) : MIN_BLOCK);
      this.block = new Float64Array(new SharedArrayBuffer(size * Float64Array.BYTES_PER_ELEMENT));
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + length);
    this.used += length;
    this.expected = Math.max(0, this.expected - length);
    return view;
  }
}

export const onSharedMemory = (array: ArrayBufferView): boolean => array.buffer instanceof SharedArrayBuffer;
