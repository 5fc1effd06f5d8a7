import { embeddedDefaultConfig } from '../config/embedded-default.js';
import { ConfigError, loadConfigFile, parseConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../server/logger.js';
import { type RunningGateway, startGateway } from '../server/start-gateway.js';
import { CliError, parseCommandArgs, parsePort } from './cli-support.js';

const HELP = `Usage: converge start [options]

Runs the gateway. With no --config it runs the embedded default: SQLite under --data-dir and the
built-in sandbox providers in process (no cloud credentials needed), with a dev key printed once.

Options:
  --config <path>     YAML config file (see docs/configuration.md); \${ENV} references are resolved
  --port <n>          Port to listen on (default 4000, or server.port from the config)
  --host <addr>       Address to bind (default 127.0.0.1)
  --data-dir <path>   Where SQLite and other local state live (default ./.converge)
  --dev-key <key>     Sandbox mode: use this dev key instead of generating one (also CONVERGE_DEV_KEY)
  --log-level <lvl>   fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help          Show this help
`;

async function resolveConfig(values: Record<string, string | boolean | undefined>): Promise<Config> {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  try {
    const base = str('config') === undefined ? embeddedDefaultConfig({}) : undefined;
    const loaded =
      base === undefined
        ? await loadConfigFile(str('config') as string)
        : parseConfig(base, 'embedded default');
    const server = { ...loaded.server };
    if (str('port') !== undefined) server.port = parsePort(str('port'), server.port);
    if (str('host') !== undefined) server.host = str('host') as string;
    const storage = { ...loaded.storage, dataDir: str('data-dir') ?? loaded.storage.dataDir };
    const logging = {
      level: (str('log-level') as Config['logging']['level'] | undefined) ?? loaded.logging.level,
    };
    return parseConfig({ ...loaded, server, storage, logging }, str('config') ?? 'embedded default');
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new CliError(error.message, 78);
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new CliError(`config file not found: ${str('config')}`, 66);
    }
    throw error;
  }
}

function printBanner(running: RunningGateway, config: Config): void {
  const lines = [`Converge is listening on ${running.url}`];
  if (running.devKey !== undefined) {
    const models = Object.keys(config.models).join(', ');
    lines.push(
      '',
      'Sandbox mode: built-in emulated providers, no cloud credentials needed.',
      `Dev key (shown once): ${running.devKey}`,
      `Models: ${models}`,
      '',
      'Try it:',
      `  curl ${running.url}/v1/chat/completions \\`,
      `    -H "Authorization: Bearer ${running.devKey}" -H "Content-Type: application/json" \\`,
      `    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello!"}]}'`,
      '',
      'Or with the OpenAI SDK (Node):',
      `  const client = new OpenAI({ baseURL: '${running.url}/v1', apiKey: '${running.devKey}' });`,
      `  const reply = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

export async function runStartCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('start', args, {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'dev-key': { type: 'string' },
    'log-level': { type: 'string' },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = await resolveConfig(values);
  const log = createLogger(config.logging.level);
  const devKey = (values['dev-key'] as string | undefined) ?? process.env['CONVERGE_DEV_KEY'];
  if (devKey !== undefined && devKey.length < 16)
    throw new CliError('the dev key must be at least 16 characters');
  // Listen for signals before starting, so a SIGTERM during start-up still ends in a clean shutdown.
  let stopSignal: string | undefined;
  let onStop: ((signal: string) => void) | undefined;
  const handleSignal = (signal: string) => {
    stopSignal ??= signal;
    onStop?.(signal);
  };
  process.once('SIGTERM', () => handleSignal('SIGTERM'));
  process.once('SIGINT', () => handleSignal('SIGINT'));

  const running = await startGateway({ config, log, devKey: devKey || undefined });
  printBanner(running, config);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info(
        { signal, inflight: running.gateway.inflightCount },
        'shutting down: draining in-flight requests',
      );
      running.close().then(resolve, (error: unknown) => {
        log.error({ err: error }, 'error during shutdown');
        resolve();
      });
    };
    if (stopSignal !== undefined) shutdown(stopSignal);
    else onStop = shutdown;
  });
  log.info('stopped');
  return 0;
}
