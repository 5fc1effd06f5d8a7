// Micro-benchmarks of the hot path, one per stage: `npx tsx bench/micro/run-micro.ts [--budget-ms N] [--json]`.
// `npm run bench` runs it in its own process and puts the table into docs/performance.md.
import { parseArgs } from 'node:util';
import { createHotPathStages } from './hot-path-stages.js';
import { measureOperation } from './measure-operation.js';
import type { MicroResult } from './micro-types.js';

function formatNs(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'budget-ms': { type: 'string' }, json: { type: 'boolean' } },
  });
  const budgetMs = Number(values['budget-ms'] ?? 1500);
  const results: MicroResult[] = [];
  for (const stage of await createHotPathStages()) {
    const result = await measureOperation(stage, budgetMs);
    results.push(result);
    if (values.json !== true) {
      process.stdout.write(
        `${stage.stage.padEnd(20)} ${formatNs(result.nsPerOp).padStart(10)}/op  ${stage.operation}\n`,
      );
    }
  }
  if (values.json === true) process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
