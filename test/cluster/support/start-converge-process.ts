import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'src', 'cli', 'main.ts');

export interface ConvergeProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything the process wrote to stdout and stderr so far (logs included). */
  output(): string;
  /** SIGTERM, then waits for the exit (the gateway drains and flushes usage first). */
  stop(): Promise<number | null>;
}

/**
 * Runs `converge start --port 0 <args>` as its own process, the way an operator runs a replica,
 * and resolves once it printed the address it listens on.
 *
 * @example
 * const replica = await startConvergeProcess(['--config', configPath], { CONVERGE_ADMIN_KEY: adminKey });
 * await fetch(`${replica.url}/readyz`);
 * await replica.stop();
 */
export function startConvergeProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<ConvergeProcess> {
  const child = spawn(TSX, [CLI, 'start', '--port', '0', ...args], {
    env: { ...process.env, ...env },
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] === undefined) return;
      child.stdout.off('data', onData);
      resolve({
        url: match[1],
        child,
        output: () => output,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`converge exited with ${code} before listening:\n${output}`)),
    );
  });
}
