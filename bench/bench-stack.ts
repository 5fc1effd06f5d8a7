import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { applyBenchGovernance } from './bench-governance.js';
import type { TargetId } from './bench-options.js';

const READY_TIMEOUT_MS = 30_000;
/** The Portkey gateway's own Node entry point (devDependency `@portkey-ai/gateway`). */
export const PORTKEY_SCRIPT = 'node_modules/@portkey-ai/gateway/build/start-server.js';
const STOP_TIMEOUT_MS = 5_000;

export interface BenchProcess {
  name: string;
  pid: number;
  origin: string;
  logPath: string;
  child: ChildProcess;
}

export interface BenchStack {
  workDir: string;
  processes: Map<string, BenchProcess>;
  /** Loopback port of every endpoint by name (the floor serves two: `floor` and `floor-slow`). */
  ports: Readonly<Record<string, number>>;
  /** Converge's data directory (its SQLite file holds the usage rows the run wrote). */
  convergeDataDir: string;
  close(): Promise<void>;
  /** Synchronous last resort for `process.on('exit')`: SIGKILL whatever still runs. */
  killNow(): void;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

async function waitUntilServing(proc: BenchProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `${proc.name} exited with ${proc.child.exitCode} before serving:\n${logTail(proc.logPath)}`,
      );
    }
    try {
      const response = await request(`${proc.origin}/`, { headersTimeout: 1000, bodyTimeout: 1000 });
      await response.body.dump();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${proc.name} did not serve within ${READY_TIMEOUT_MS} ms:\n${logTail(proc.logPath)}`);
}

interface SpawnSpec {
  name: string;
  args: string[];
  port: number;
  env?: Record<string, string>;
}

function spawnNode(root: string, workDir: string, spec: SpawnSpec): BenchProcess {
  const logPath = join(workDir, `${spec.name}.log`);
  const log = openSync(logPath, 'a');
  const tether = pathToFileURL(join(root, 'bench/exit-with-parent.mjs')).href;
  // Output goes to a file, never a pipe: a pipe nobody drains would throttle the process under test.
  const child = spawn(process.execPath, ['--import', tether, ...spec.args], {
    cwd: root,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
  return { name: spec.name, pid: child.pid, origin: `http://127.0.0.1:${spec.port}`, logPath, child };
}

async function writeConvergeConfig(root: string, workDir: string, governance: 'on' | 'off'): Promise<string> {
  const text = await readFile(join(root, 'bench/converge.bench.yaml'), 'utf8');
  const config = applyBenchGovernance(parseYaml(text) as Record<string, unknown>, governance);
  const path = join(workDir, `converge-${governance}.yaml`);
  await writeFile(path, stringifyYaml(config));
  return path;
}

function stopProcess(proc: BenchProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    proc.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.child.kill('SIGTERM');
  });
}

/** The processes a target needs besides the upstream sandboxes. */
function targetSpecs(
  root: string,
  targets: TargetId[],
  ports: Record<string, number>,
  env: Record<string, string>,
  configPaths: { on: string; off: string },
): SpawnSpec[] {
  const specs: SpawnSpec[] = [];
  const fast = `http://127.0.0.1:${ports['sandbox-fast']}`;
  const slow = `http://127.0.0.1:${ports['sandbox-slow']}`;
  if (targets.includes('floor')) {
    const args = ['bench/floor-proxy.mjs', String(ports['floor']), fast, String(ports['floor-slow']), slow];
    specs.push({ name: 'floor', args, port: ports['floor'] ?? 0 });
  }
  if (targets.includes('converge')) {
    const args = [
      'dist/cli/main.js',
      'start',
      '--config',
      configPaths.on,
      '--port',
      String(ports['converge']),
    ];
    specs.push({ name: 'converge', args, port: ports['converge'] ?? 0, env });
  }
  if (targets.includes('converge-off')) {
    const port = String(ports['converge-off']);
    const args = ['dist/cli/main.js', 'start', '--config', configPaths.off, '--port', port];
    specs.push({ name: 'converge-off', args, port: ports['converge-off'] ?? 0, env });
  }
  if (targets.includes('portkey')) {
    const script = join(root, PORTKEY_SCRIPT);
    specs.push({
      name: 'portkey',
      args: [script, `--port=${ports['portkey']}`, '--headless'],
      port: ports['portkey'] ?? 0,
    });
  }
  return specs;
}

/**
 * Starts the upstream sandboxes (fast: zero latency; slow: bench/sandbox-slow.yaml) and the selected
 * gateways, each in its own process on loopback, and waits until each serves HTTP.
 */
export async function startBenchStack(root: string, targets: TargetId[]): Promise<BenchStack> {
  if (!existsSync(join(root, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const workDir = await mkdtemp(join(tmpdir(), 'converge-bench-'));
  const names = [
    'sandbox-fast',
    'sandbox-slow',
    'floor',
    'floor-slow',
    'converge',
    'converge-off',
    'portkey',
  ];
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await findFreePort();
  const convergeDataDir = join(workDir, 'converge-data');
  const env = {
    BENCH_DATA_DIR: convergeDataDir,
    BENCH_FAST_UPSTREAM: `http://127.0.0.1:${ports['sandbox-fast']}`,
    BENCH_SLOW_UPSTREAM: `http://127.0.0.1:${ports['sandbox-slow']}`,
  };
  const specs: SpawnSpec[] = [
    {
      name: 'sandbox-fast',
      args: ['dist/cli/main.js', 'sandbox', '--zero-latency', '--port', String(ports['sandbox-fast'])],
      port: ports['sandbox-fast'] ?? 0,
    },
    {
      name: 'sandbox-slow',
      args: [
        'dist/cli/main.js',
        'sandbox',
        '--config',
        'bench/sandbox-slow.yaml',
        '--port',
        String(ports['sandbox-slow']),
      ],
      port: ports['sandbox-slow'] ?? 0,
    },
    ...targetSpecs(root, targets, ports, env, {
      on: await writeConvergeConfig(root, workDir, 'on'),
      off: await writeConvergeConfig(root, workDir, 'off'),
    }),
  ];
  const processes = new Map<string, BenchProcess>();
  const stack: BenchStack = {
    workDir,
    processes,
    ports,
    convergeDataDir,
    async close() {
      await Promise.all([...processes.values()].map(stopProcess));
      processes.clear();
    },
    killNow() {
      for (const proc of processes.values()) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    },
  };
  try {
    for (const spec of specs) processes.set(spec.name, spawnNode(root, workDir, spec));
    await Promise.all([...processes.values()].map(waitUntilServing));
  } catch (error: unknown) {
    await stack.close();
    throw error;
  }
  return stack;
}

/** Removes the run's temporary directory (logs, Converge's SQLite file). */
export async function removeWorkDir(stack: BenchStack): Promise<void> {
  await rm(stack.workDir, { recursive: true, force: true });
}
