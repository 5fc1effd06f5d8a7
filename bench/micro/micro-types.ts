/** One hot-path stage measured in isolation. */
export interface MicroResult {
  stage: string;
  /** What one operation is. */
  operation: string;
  /** Median over measured batches, nanoseconds per operation. */
  nsPerOp: number;
  /** Spread: the fastest and slowest batch, ns per operation. */
  minNsPerOp: number;
  maxNsPerOp: number;
  operations: number;
}
