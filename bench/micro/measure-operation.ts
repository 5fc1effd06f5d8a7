import type { MicroResult } from './micro-types.js';

export interface MicroStage {
  stage: string;
  operation: string;
  /** One operation; may be async (the hot path awaits it, so its await is part of the cost). */
  run: () => unknown;
}

const BATCH_TARGET_NS = 5_000_000n;

async function runBatch(stage: MicroStage, operations: number): Promise<bigint> {
  const start = process.hrtime.bigint();
  for (let index = 0; index < operations; index++) {
    const result = stage.run();
    if (result instanceof Promise) await result;
  }
  return process.hrtime.bigint() - start;
}

/** Grows the batch size until one batch takes about 5 ms, so timer overhead stays negligible. */
async function calibrate(stage: MicroStage): Promise<number> {
  let operations = 16;
  while (operations < 10_000_000) {
    const elapsed = await runBatch(stage, operations);
    if (elapsed >= BATCH_TARGET_NS)
      return Math.max(1, Math.round((operations * Number(BATCH_TARGET_NS)) / Number(elapsed)));
    operations *= 2;
  }
  return operations;
}

/**
 * Measures one stage: warm up (so the JIT has optimised it) for a third of the budget, then batches of
 * ~5 ms until the budget is spent, and reports the median batch in ns per operation.
 *
 * @example
 * const result = await measureOperation({ stage: 'parse', operation: 'small body', run: () => parse(body) }, 1500);
 */
export async function measureOperation(stage: MicroStage, budgetMs: number): Promise<MicroResult> {
  const batchSize = await calibrate(stage);
  const warmupUntil = performance.now() + budgetMs / 3;
  while (performance.now() < warmupUntil) await runBatch(stage, batchSize);
  const perOp: number[] = [];
  const measureUntil = performance.now() + (budgetMs * 2) / 3;
  do {
    perOp.push(Number(await runBatch(stage, batchSize)) / batchSize);
  } while (performance.now() < measureUntil || perOp.length < 5);
  perOp.sort((a, b) => a - b);
  return {
    stage: stage.stage,
    operation: stage.operation,
    nsPerOp: perOp[Math.floor(perOp.length / 2)] ?? 0,
    minNsPerOp: perOp[0] ?? 0,
    maxNsPerOp: perOp[perOp.length - 1] ?? 0,
    operations: batchSize * perOp.length,
  };
}
