// `npm run bench [-- --quick]`: Converge side by side with a direct call, the floor proxy and Portkey,
// in one run on this machine (docs/performance.md explains the method and the numbers).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeGovernance } from './bench-governance.js';
import { type BenchOptions, PROFILES, parseBenchOptions, type TargetId } from './bench-options.js';
import type { BenchResults, ConvergeObservations, MachineInfo, ScenarioResults } from './bench-results.js';
import { type BenchStack, PORTKEY_SCRIPT, removeWorkDir, startBenchStack } from './bench-stack.js';
import { type BenchTarget, createTargets } from './bench-targets.js';
import { type LoadRunner, startLoadRunner } from './load-runner.js';
import { runMicroBenchmarks } from './micro/run-micro-process.js';
import { countUsageRows, emptyObservations, probeTarget, readConvergeMetrics } from './probe-targets.js';
import { printHeading } from './progress-line.js';
import { checkDesignTargets, formatChecks } from './report/check-targets.js';
import { writeResults } from './report/write-results.js';
import type { ScenarioContext } from './run-step.js';
import { runMemoryFlatness } from './scenarios/memory-flatness.js';
import {
  runFixedRate,
  runOpenStreams,
  runSlowUpstream,
  runStreaming,
  runStreamingPaced,
  warmUpTargets,
} from './scenarios/rate-scenarios.js';
import { runSaturation } from './scenarios/saturation.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    loadAverageAtStart: loadavg(),
  };
}

function readVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function softwareVersions(): Record<string, string> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the version alone has to do.
  }
  return {
    Converge: `${readVersion('package.json')} (${commit})`,
    'Portkey gateway': readVersion('node_modules/@portkey-ai/gateway/package.json'),
    undici: readVersion('node_modules/undici/package.json'),
  };
}

/** Sends one request of each kind to every target; a broken upstream stops the run, a broken gateway is noted. */
async function probeTargets(targets: BenchTarget[], notes: string[]): Promise<Record<string, string>> {
  let convergeHeaders: Record<string, string> = {};
  for (const target of targets) {
    const outcome = await probeTarget(target);
    if (target.id === 'direct' && (outcome.chat !== 200 || outcome.stream !== 200)) {
      throw new Error(`the sandbox upstream answered ${outcome.chat}/${outcome.stream} to the probe`);
    }
    if (outcome.chat !== 200)
      notes.push(`${target.label} answered HTTP ${outcome.chat} to a non-streamed probe.`);
    if (outcome.stream !== 200) {
      const how = outcome.stream === 0 ? 'a stream without [DONE]' : `HTTP ${outcome.stream}`;
      notes.push(`${target.label} answered ${how} to a streamed probe: its streaming rows are errors.`);
    }
    if (target.id === 'converge') convergeHeaders = outcome.headers;
  }
  return convergeHeaders;
}

async function runLoadScenarios(context: ScenarioContext, options: BenchOptions): Promise<ScenarioResults> {
  const only = new Set(options.scenarios);
  const scenarios: ScenarioResults = {};
  await warmUpTargets(context);
  if (only.has('fixed-rate')) scenarios.fixedRate = await runFixedRate(context);
  if (only.has('saturation')) scenarios.saturation = await runSaturation(context);
  if (only.has('streaming')) scenarios.streaming = await runStreaming(context);
  if (only.has('streaming-paced')) scenarios.streamingPaced = await runStreamingPaced(context);
  if (only.has('slow-upstream')) scenarios.slowUpstream = await runSlowUpstream(context);
  if (only.has('open-streams')) scenarios.openStreams = await runOpenStreams(context);
  const converge = context.targets.find((target) => target.id === 'converge');
  if (only.has('memory-flatness') && converge !== undefined) {
    const sustained = scenarios.saturation?.converge?.maxSustainedRps ?? 0;
    const rate =
      sustained > 0 ? Math.round((sustained * 0.9) / 10) * 10 : context.profile.flatness.fallbackRps;
    scenarios.memoryFlatness = await runMemoryFlatness(context, converge, rate);
  }
  return scenarios;
}

/** Drops Portkey (with a note) when its package is not installed, instead of failing the run. */
function availableTargets(options: BenchOptions, notes: string[]): TargetId[] {
  if (!options.targets.includes('portkey') || existsSync(join(options.root, PORTKEY_SCRIPT)))
    return options.targets;
  notes.push(`Portkey is not installed (${PORTKEY_SCRIPT} is missing): skipped.`);
  return options.targets.filter((target) => target !== 'portkey');
}

interface RunState {
  stack?: BenchStack;
  runner?: LoadRunner;
}

async function stopEverything(state: RunState): Promise<void> {
  await state.runner?.close();
  await state.stack?.close();
}

interface LoadPart {
  targetIds: TargetId[];
  scenarios: ScenarioResults;
  converge: ConvergeObservations | null;
}

/** Starts every process, runs the load scenarios, stops everything and collects what Converge left. */
async function runLoadPart(options: BenchOptions, state: RunState, notes: string[]): Promise<LoadPart> {
  const targetIds = availableTargets(options, notes);
  if (!options.scenarios.some((scenario) => scenario !== 'micro'))
    return { targetIds, scenarios: {}, converge: null };
  printHeading(`starting ${targetIds.join(', ')} (${options.mode} run)`);
  const stack = await startBenchStack(options.root, targetIds);
  state.stack = stack;
  state.runner = await startLoadRunner(options.root);
  const targets = createTargets(stack, targetIds);
  const context: ScenarioContext = {
    runner: state.runner,
    targets,
    profile: options.profile,
    mode: options.mode,
  };
  const convergeHeaders = await probeTargets(targets, notes);
  const scenarios = await runLoadScenarios(context, options);
  const convergeOrigin = targets.find((target) => target.id === 'converge')?.origin('fast');
  const metrics = convergeOrigin === undefined ? null : await readConvergeMetrics(convergeOrigin);
  await stopEverything(state);
  const converge =
    convergeOrigin === undefined
      ? null
      : { ...emptyObservations(convergeHeaders), metrics, usageRows: countUsageRows(stack.convergeDataDir) };
  await removeWorkDir(stack);
  return { targetIds, scenarios, converge };
}

async function runBench(options: BenchOptions, state: RunState): Promise<BenchResults> {
  const startedAt = new Date();
  const machine = machineInfo();
  const notes: string[] = [];
  if ((machine.loadAverageAtStart[0] ?? 0) > machine.cores * 0.25) {
    notes.push(
      `the machine was busy at the start (load ${machine.loadAverageAtStart[0]?.toFixed(2)}): numbers are pessimistic.`,
    );
  }
  const { targetIds, scenarios, converge } = await runLoadPart(options, state, notes);
  if (options.scenarios.includes('micro')) {
    printHeading('hot path micro-benchmarks (own process)');
    scenarios.micro = await runMicroBenchmarks(options.root, options.profile.micro.targetMsPerStage);
  }
  const finishedAt = new Date();
  return {
    version: 1,
    mode: options.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    machine,
    node: process.version,
    software: softwareVersions(),
    governance: describeGovernance(),
    targets: targetIds,
    notes,
    converge,
    scenarios,
    checks: checkDesignTargets(scenarios, options.profile),
  };
}

/** `--render <file>`: the doc block, chart and checks again from a results file (after a report change). */
async function renderFromFile(options: BenchOptions, path: string): Promise<number> {
  const results = JSON.parse(await readFile(path, 'utf8')) as BenchResults;
  results.checks = checkDesignTargets(results.scenarios, PROFILES[results.mode]);
  const files = await writeResults(options.root, results, options.writeDoc);
  process.stdout.write(
    `${formatChecks(results.checks)}\n  results: ${files.json}\n${files.doc ? `  doc:     ${files.doc}\n` : ''}`,
  );
  return 0;
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), ROOT);
  if (options === undefined) return 0;
  if (options.renderFrom !== undefined) return renderFromFile(options, options.renderFrom);
  const state: RunState = {};
  // Whatever happens, no gateway or sandbox outlives the harness.
  process.on('exit', () => state.stack?.killNow());
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: a second signal (tsx relays the first one) must not kill the harness mid-cleanup.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: stopping every process\n`);
      void stopEverything(state).finally(() => process.exit(130));
    });
  }
  try {
    const results = await runBench(options, state);
    const files = await writeResults(options.root, results, options.writeDoc);
    printHeading(
      `DESIGN §9 targets${options.mode === 'quick' ? ' (quick run: verdicts are not meaningful)' : ''}`,
    );
    process.stdout.write(`${formatChecks(results.checks)}\n`);
    for (const note of results.notes) process.stdout.write(`  note: ${note}\n`);
    printHeading(`done in ${Math.round(results.durationSeconds)} s`);
    process.stdout.write(
      `  results: ${files.json}\n${files.doc ? `  doc:     ${files.doc}\n` : ''}${files.chart ? `  chart:   ${files.chart}\n` : ''}`,
    );
    return 0;
  } catch (error: unknown) {
    if (state.stack !== undefined) process.stderr.write(`\nprocess logs kept in ${state.stack.workDir}\n`);
    throw error;
  } finally {
    await stopEverything(state);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
