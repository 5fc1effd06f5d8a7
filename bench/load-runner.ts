import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** One open-loop run, executed by bench/load-worker.mjs. */
export interface LoadJob {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Requests per second, constant arrival rate. */
  rate: number;
  durationMs: number;
  /** Sent at the same rate before the measured window; not recorded. */
  warmupMs: number;
  /** Most requests in flight at once; a request due beyond that is an error (`client-limit`). */
  connections: number;
  timeoutMs: number;
  /** Read the body as SSE: time to first byte, event count, `[DONE]` required. */
  stream: boolean;
}

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  offeredRps: number;
  scheduled: number;
  ok: number;
  /** Error kind (`http-503`, `timeout`, `reset`, `client-limit`, `stream-cut` …) → count. */
  errors: Record<string, number>;
  errorRate: number;
  achievedRps: number;
  /** Scheduled send → last byte, successful requests only, ms. */
  latencyMs: Summary | null;
  /** Scheduled send → first body byte (streams), ms. */
  ttfbMs: Summary | null;
  /** SSE events per successful stream → how many streams had that many. */
  chunkCounts: Record<string, number> | null;
  /** How late the generator itself sent (its own health), ms. */
  dispatchLagMs: Summary | null;
  lateSends: number;
  maxInFlight: number;
  /** Responses and errors of the whole job, warm-up included (CPU per request divides by this). */
  completedAll: number;
  wallMs: number;
}

export interface LoadProgress {
  sent: number;
  total: number;
  inFlight: number;
  ok: number;
}

type WorkerMessage =
  | { type: 'ready' }
  | ({ type: 'progress'; jobId: number } & LoadProgress)
  | { type: 'result'; jobId: number; result: LoadResult }
  | { type: 'failed'; jobId: number; error: string };

export interface LoadRunner {
  run(job: LoadJob, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult>;
  close(): Promise<void>;
  pid: number;
}

/**
 * Forks the load generator into its own process (it must not share an event loop with the harness)
 * and runs jobs on it one at a time.
 *
 * @example
 * const runner = await startLoadRunner(root);
 * const result = await runner.run({ origin, path: '/v1/chat/completions', rate: 1000, … });
 */
export async function startLoadRunner(root: string): Promise<LoadRunner> {
  const child: ChildProcess = fork(join(root, 'bench/load-worker.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the load worker exited with ${code} before it was ready`)),
    );
  });
  let nextId = 1;
  return {
    pid: child.pid ?? 0,
    run(job, onProgress) {
      const jobId = nextId++;
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load worker exited with ${code}`));
        const onMessage = (message: WorkerMessage) => {
          if (!('jobId' in message) || message.jobId !== jobId) return;
          if (message.type === 'progress') {
            onProgress?.(message);
            return;
          }
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (message.type === 'result') resolve(message.result);
          else reject(new Error(`the load worker failed: ${message.error}`));
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ type: 'run', job: { ...job, id: jobId } });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      });
    },
  };
}
