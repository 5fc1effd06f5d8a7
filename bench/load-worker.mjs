// The load generator, in its own process (forked by bench/load-runner.ts). Open loop, wrk2-style:
// request i is due at start + i / rate whatever happened to earlier ones, and its latency is measured
// from that *scheduled* time, so a stalled target (or a late timer here) shows up as latency instead
// of silently slowing the arrival rate (coordinated omission). A request is never queued inside this
// process: when every connection is busy it is counted as `client-limit`, an error of the target.
import { Pool } from 'undici';

const PROGRESS_INTERVAL_MS = 250;
/** A send later than this after its scheduled time counts as the generator falling behind. */
const LATE_SEND_MS = 5;
const DONE_MARKER = Buffer.from('[DONE]');

/** Sorted-array percentiles of a Float64Array prefix, in milliseconds. */
function summarize(values, count) {
  if (count === 0) return null;
  const sorted = values.slice(0, count).sort();
  const at = (q) => sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))];
  let sum = 0;
  for (let index = 0; index < count; index++) sum += sorted[index];
  return {
    count,
    min: sorted[0],
    mean: sum / count,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[count - 1],
  };
}

function errorKind(error) {
  const code = error?.code ?? error?.cause?.code ?? error?.name ?? 'error';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  return String(code);
}

/** Counts SSE events (blank-line separated) across chunk boundaries. */
function createEventCounter() {
  let previous = 0;
  let events = 0;
  return {
    add(chunk) {
      for (let index = 0; index < chunk.length; index++) {
        const byte = chunk[index];
        if (byte === 10 && previous === 10) events++;
        if (byte !== 13) previous = byte;
      }
    },
    get count() {
      return events;
    },
  };
}

function createRecorder(job, total) {
  const measuredFrom = Math.floor((job.warmupMs / 1000) * job.rate);
  const size = Math.max(1, total - measuredFrom);
  return {
    measuredFrom,
    latency: new Float64Array(size),
    ttfb: new Float64Array(job.stream ? size : 1),
    lag: new Float64Array(size),
    okCount: 0,
    lagCount: 0,
    late: 0,
    errors: {},
    chunkCounts: {},
    firstMeasuredScheduled: undefined,
    lastMeasuredEnd: 0,
    completedAll: 0,
  };
}

function recordError(recorder, index, kind) {
  if (index < recorder.measuredFrom) return;
  recorder.errors[kind] = (recorder.errors[kind] ?? 0) + 1;
}

async function readBody(body, stream, onFirstByte) {
  const counter = stream ? createEventCounter() : undefined;
  let tail = Buffer.alloc(0);
  let first = true;
  for await (const chunk of body) {
    if (first) {
      onFirstByte();
      first = false;
    }
    if (counter) {
      counter.add(chunk);
      tail =
        chunk.length >= 16 ? chunk.subarray(chunk.length - 16) : Buffer.concat([tail, chunk]).subarray(-16);
    }
  }
  return { events: counter?.count ?? 0, sawDone: counter ? tail.includes(DONE_MARKER) : true };
}

async function sendOne(pool, job, recorder, index, scheduledAt, state) {
  const measured = index >= recorder.measuredFrom;
  let firstByteAt = 0;
  try {
    const response = await pool.request({
      path: job.path,
      method: 'POST',
      headers: job.headers,
      body: job.body,
      headersTimeout: job.timeoutMs,
      bodyTimeout: job.timeoutMs,
    });
    const result = await readBody(response.body, job.stream, () => {
      firstByteAt = performance.now();
    });
    const end = performance.now();
    recorder.completedAll++;
    if (response.statusCode !== 200 || !result.sawDone) {
      recordError(
        recorder,
        index,
        response.statusCode === 200 ? 'stream-cut' : `http-${response.statusCode}`,
      );
      return;
    }
    if (!measured) return;
    const slot = recorder.okCount++;
    recorder.latency[slot] = end - scheduledAt;
    if (job.stream) {
      recorder.ttfb[slot] = firstByteAt - scheduledAt;
      recorder.chunkCounts[result.events] = (recorder.chunkCounts[result.events] ?? 0) + 1;
    }
    if (end > recorder.lastMeasuredEnd) recorder.lastMeasuredEnd = end;
  } catch (error) {
    recorder.completedAll++;
    recordError(recorder, index, errorKind(error));
  } finally {
    state.inFlight--;
    if (state.inFlight === 0) state.onIdle?.();
  }
}

function dispatchDue(pool, job, recorder, state, now) {
  while (state.next < state.total) {
    const scheduledAt = state.start + (state.next * 1000) / job.rate;
    if (scheduledAt > now) return;
    const index = state.next++;
    if (index >= recorder.measuredFrom) {
      recorder.firstMeasuredScheduled ??= scheduledAt;
      const lag = now - scheduledAt;
      recorder.lag[recorder.lagCount++] = lag;
      if (lag > LATE_SEND_MS) recorder.late++;
    }
    if (state.inFlight >= job.connections) {
      recordError(recorder, index, 'client-limit');
      continue;
    }
    state.inFlight++;
    if (state.inFlight > state.maxInFlight) state.maxInFlight = state.inFlight;
    void sendOne(pool, job, recorder, index, scheduledAt, state);
  }
}

function runSchedule(pool, job, recorder, state) {
  return new Promise((resolve) => {
    const progress = setInterval(() => {
      process.send?.({
        type: 'progress',
        jobId: job.id,
        sent: state.next,
        total: state.total,
        inFlight: state.inFlight,
        ok: recorder.okCount,
      });
    }, PROGRESS_INTERVAL_MS);
    const tick = () => {
      const now = performance.now();
      dispatchDue(pool, job, recorder, state, now);
      if (state.next >= state.total) {
        clearInterval(progress);
        resolve();
        return;
      }
      const dueIn = state.start + (state.next * 1000) / job.rate - now;
      setTimeout(tick, Math.max(0, Math.min(dueIn, 1)));
    };
    tick();
  });
}

async function runJob(job) {
  const total = Math.round(((job.warmupMs + job.durationMs) / 1000) * job.rate);
  const recorder = createRecorder(job, total);
  const pool = new Pool(job.origin, {
    connections: job.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
  });
  const state = {
    start: performance.now() + 20,
    next: 0,
    total,
    inFlight: 0,
    maxInFlight: 0,
    onIdle: undefined,
  };
  const wallStart = Date.now();
  await runSchedule(pool, job, recorder, state);
  // Every request has a timeout, so in-flight ones settle.
  if (state.inFlight > 0) await new Promise((resolve) => (state.onIdle = resolve));
  await pool.destroy();
  const errorCount = Object.values(recorder.errors).reduce((sum, count) => sum + count, 0);
  const measuredScheduled = total - recorder.measuredFrom;
  const windowMs = recorder.lastMeasuredEnd - (recorder.firstMeasuredScheduled ?? 0);
  return {
    offeredRps: job.rate,
    scheduled: measuredScheduled,
    ok: recorder.okCount,
    errors: recorder.errors,
    errorRate: measuredScheduled === 0 ? 0 : errorCount / measuredScheduled,
    achievedRps: windowMs > 0 ? (recorder.okCount * 1000) / windowMs : 0,
    latencyMs: summarize(recorder.latency, recorder.okCount),
    ttfbMs: job.stream ? summarize(recorder.ttfb, recorder.okCount) : null,
    chunkCounts: job.stream ? recorder.chunkCounts : null,
    dispatchLagMs: summarize(recorder.lag, recorder.lagCount),
    lateSends: recorder.late,
    maxInFlight: state.maxInFlight,
    completedAll: recorder.completedAll,
    wallMs: Date.now() - wallStart,
  };
}

process.on('message', (message) => {
  if (message?.type === 'stop') {
    process.exit(0);
  }
  if (message?.type !== 'run') return;
  runJob(message.job).then(
    (result) => process.send?.({ type: 'result', jobId: message.job.id, result }),
    (error) =>
      process.send?.({ type: 'failed', jobId: message.job.id, error: String(error?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
