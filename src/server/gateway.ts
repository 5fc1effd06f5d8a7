import type { Logger } from 'pino';
import type { PriceResolver } from '../catalog/create-price-resolver.js';
import type { GatewayError } from '../core/gateway-error.js';
import { emptyUsage } from '../core/usage.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { recordExchangeMetrics } from '../observability/record-exchange-metrics.js';
import { buildUsageRow, type ExchangeEnd } from '../pipeline/accounting/finish-exchange.js';
import type { KeyResolver } from '../pipeline/auth/key-resolver.js';
import type { DialectId, GatewayContext } from '../pipeline/gateway-context.js';
import type { LimitsStageOptions } from '../pipeline/limits/limits-stage.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { ModelRegistry } from '../pipeline/route/model-registry.js';
import type { UsageRecorder, UsageRow } from '../storage/types.js';
import type { LoadShedder, ShedReason } from './load-shedder.js';

export interface GatewayParts {
  log: Logger;
  keys: KeyResolver;
  registry: ModelRegistry;
  usage: UsageRecorder;
  upstreamTimeoutMs: number;
  /** Per-key rate limits and budgets (`openLimits`); omitted = none. */
  limits?: LimitsStageOptions | undefined;
  /** Prices per target; omitted = priced from the bundled catalog at list price. */
  pricing?: PriceResolver | undefined;
  /** Where exchange metrics go; omitted = the routing metrics' registry (served at /metrics). */
  metrics?: GatewayMetrics | undefined;
  /** Refuses requests with 503 `overloaded` past the event-loop lag or in-flight bound; omitted = never. */
  shedder?: LoadShedder | undefined;
  /** False: no key auth, limits or usage rows (benchmarks measuring what governance costs). Default true. */
  governance?: boolean | undefined;
}

/**
 * The request-handling core shared by every dialect: the pipeline, the in-flight registry used for
 * graceful shutdown, and the usage recorder. It knows nothing about HTTP routing.
 */
export class Gateway {
  readonly log: Logger;
  readonly keys: KeyResolver;
  readonly registry: ModelRegistry;
  readonly pipeline: (context: GatewayContext) => Promise<void>;
  private readonly usage: UsageRecorder;
  private readonly inflight = new Set<AbortController>();
  private readonly pendingRows = new Set<Promise<void>>();
  private drained: (() => void) | undefined;
  private readonly metrics: GatewayMetrics;
  private readonly shedder: LoadShedder | undefined;
  private readonly recordsUsage: boolean;
  /** True once a shutdown began: readiness fails so load balancers stop sending traffic. */
  closing = false;

  constructor(parts: GatewayParts) {
    this.log = parts.log;
    this.keys = parts.keys;
    this.registry = parts.registry;
    this.usage = parts.usage;
    this.pipeline = createPipeline(parts);
    this.metrics = parts.metrics ?? parts.registry.routing.metrics;
    this.shedder = parts.shedder;
    this.recordsUsage = parts.governance !== false;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Registers an in-flight exchange; the returned function must be called when it ends. */
  track(controller: AbortController): () => void {
    this.inflight.add(controller);
    return () => {
      this.inflight.delete(controller);
      if (this.inflight.size === 0) this.drained?.();
    };
  }

  /** Why a new request should be refused right now (503 `overloaded`), or undefined to serve it. */
  shedReason(): ShedReason | undefined {
    // The asking exchange is already tracked: count only the others.
    const reason = this.shedder?.shouldShed(this.inflight.size - 1);
    if (reason !== undefined) this.metrics.shed.inc({ reason });
    return reason;
  }

  finishExchange(context: GatewayContext, end: ExchangeEnd): void {
    const durationMs = performance.now() - context.startTime;
    const pending = buildUsageRow(context, end).then(
      (row) => {
        if (this.recordsUsage) this.usage.record(row);
        if (this.log.isLevelEnabled('debug')) this.logExchange(row);
        recordExchangeMetrics(this.metrics, context, row, durationMs);
      },
      (error: unknown) => this.log.error({ err: error }, 'could not build the usage row'),
    );
    this.pendingRows.add(pending);
    void pending.finally(() => this.pendingRows.delete(pending));
  }

  /** The access log line (debug): who, what, outcome — never a secret, a prompt or a URL query. */
  private logExchange(row: UsageRow): void {
    this.log.debug(
      {
        requestId: row.requestId,
        dialect: row.dialect,
        keyName: row.keyName,
        teamId: row.teamId,
        model: row.modelRequested,
        deployment: row.deployment,
        status: row.status,
        httpStatus: row.httpStatus,
        errorCode: row.errorCode,
        latencyMs: row.latencyMs,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        costUsd: row.costUsd,
      },
      'request finished',
    );
  }

  /** A request refused before any dialect handler ran (body too large, unparseable content type). */
  recordEarlyRejection(dialect: DialectId, error: GatewayError, httpStatus: number): void {
    if (!this.recordsUsage) return;
    this.usage.record({
      requestId: crypto.randomUUID(),
      createdAt: Date.now(),
      keyId: null,
      keyName: null,
      teamId: null,
      dialect,
      operation: 'unknown',
      stream: false,
      modelRequested: null,
      modelServed: null,
      deployment: null,
      provider: null,
      status: 'rejected',
      httpStatus,
      errorCode: error.code,
      ...emptyUsage(),
      costUsd: null,
      usageEstimated: false,
      latencyMs: 0,
      ttftMs: null,
      attempts: [],
    });
  }

  /**
   * Waits up to `graceMs` for in-flight requests and streams to finish, then aborts the rest, and
   * writes every usage row (including those of the aborted requests) before returning.
   */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.inflight.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const controller of this.inflight) controller.abort();
    // Aborted exchanges close their responses on the next turns; give them a moment to record.
    for (let round = 0; round < 50 && (this.inflight.size > 0 || this.pendingRows.size > 0); round++) {
      await Promise.all([...this.pendingRows]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.usage.close();
  }
}
