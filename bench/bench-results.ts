import type { GovernanceDescription } from './bench-governance.js';
import type { BenchOptions, TargetId } from './bench-options.js';
import type { MicroResult } from './micro/micro-types.js';
import type { FlatnessResult } from './scenarios/memory-flatness.js';
import type { FixedRateResult, PerTarget } from './scenarios/rate-scenarios.js';
import type { SaturationResult } from './scenarios/saturation.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  /** 1/5/15-minute load averages when the run started: a busy machine makes every number worse. */
  loadAverageAtStart: number[];
}

/** What the run learned from Converge itself (headers, its SQLite usage rows, /metrics if served). */
export interface ConvergeObservations {
  /** `x-converge-*` headers of one non-streamed response. */
  headers: Record<string, string>;
  /** Usage rows written during the run (governance on: one per request). */
  usageRows: number | null;
  /** `/metrics` lines about overhead and event-loop lag, when Converge serves /metrics. */
  metrics: string[] | null;
}

export interface ScenarioResults {
  fixedRate?: FixedRateResult[];
  saturation?: Partial<Record<TargetId, SaturationResult>>;
  streaming?: PerTarget;
  streamingPaced?: PerTarget;
  slowUpstream?: PerTarget;
  openStreams?: PerTarget;
  memoryFlatness?: FlatnessResult;
  micro?: MicroResult[];
}

export type CheckStatus = 'pass' | 'fail' | 'n/a';

/** One DESIGN §9 target, judged on this run's numbers. */
export interface TargetCheck {
  id: string;
  target: string;
  status: CheckStatus;
  detail: string;
}

/** The whole run, as written to bench/results/<date>.json. */
export interface BenchResults {
  version: 1;
  mode: BenchOptions['mode'];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  node: string;
  software: Record<string, string>;
  governance: GovernanceDescription;
  targets: TargetId[];
  /** Problems met while preparing the run (a target that answers errors to a probe, …). */
  notes: string[];
  converge: ConvergeObservations | null;
  scenarios: ScenarioResults;
  checks: TargetCheck[];
}
