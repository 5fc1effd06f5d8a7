import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { sandboxOptionsSchema, startSandbox } from '../sandbox/index.js';
import { CliError, parseCommandArgs, parsePort } from './cli-support.js';

const HELP = `Usage: converge sandbox [options]

Serves faithful local emulators of the providers' HTTP APIs (OpenAI, Azure OpenAI) for tests,
demos and benchmarks. Point an SDK at it directly, or configure it as a gateway upstream.

Options:
  --port <n>          Port (default 4010; 0 = random)
  --host <addr>       Address (default 127.0.0.1)
  --config <path>     Sandbox options as YAML (models, keys, deployments, capacity, faults; docs/sandbox.md)
  --zero-latency      No simulated time to first token or token pacing (benchmarks)
  -h, --help          Show this help
`;

export async function runSandboxCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('sandbox', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    'zero-latency': { type: 'boolean' },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  let fileOptions: unknown = {};
  if (typeof values.config === 'string') fileOptions = parseYaml(await readFile(values.config, 'utf8')) ?? {};
  const parsed = sandboxOptionsSchema.safeParse(fileOptions);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new CliError(`invalid sandbox options in ${values.config}:\n${issues.join('\n')}`, 78);
  }
  const sandbox = await startSandbox({
    ...parsed.data,
    port: parsePort(values.port as string | undefined, 4010),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    ...(values['zero-latency'] === true ? { latency: 'zero' as const } : {}),
  });
  const options = sandbox.options;
  process.stdout.write(
    [
      `Converge sandbox listening on ${sandbox.url}`,
      `  OpenAI:       baseURL ${sandbox.url}/v1            keys: ${options.openai.keys.join(', ')}`,
      `  Azure OpenAI: endpoint ${sandbox.url}             keys: ${options.azure.keys.join(', ')}`,
      `  latency: ${options.latency}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => void sandbox.close().then(resolve, resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
