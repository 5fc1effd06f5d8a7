import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { MicroResult } from './micro-types.js';

/**
 * Runs bench/micro/run-micro.ts in its own process (under tsx, since it imports the TypeScript
 * sources), after the load scenarios, so the stages are timed on a quiet event loop.
 */
export function runMicroBenchmarks(root: string, budgetMs: number): Promise<MicroResult[]> {
  const script = join(root, 'bench/micro/run-micro.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, '--json', '--budget-ms', String(budgetMs)],
      { cwd: root, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`micro-benchmarks failed: ${stderr || error.message}`));
          return;
        }
        const lastLine = stdout.trim().split('\n').pop() ?? '[]';
        const results = JSON.parse(lastLine) as MicroResult[];
        for (const result of results) {
          const ns =
            result.nsPerOp >= 10_000
              ? `${(result.nsPerOp / 1000).toFixed(1)} µs`
              : `${Math.round(result.nsPerOp)} ns`;
          process.stdout.write(`  ${result.stage.padEnd(20)} ${ns.padStart(10)}/op  ${result.operation}\n`);
        }
        resolve(results);
      },
    );
  });
}
