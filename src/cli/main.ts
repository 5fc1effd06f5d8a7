#!/usr/bin/env node
import { runCatalogCommand } from './catalog-command.js';
import { CliError, VERSION } from './cli-support.js';
import { runKeysCommand } from './keys-command.js';
import { runSandboxCommand } from './sandbox-command.js';
import { runStartCommand } from './start-command.js';
import { runTeamsCommand } from './teams-command.js';
import { runUsageCommand } from './usage-command.js';
import { runUsersCommand } from './users-command.js';

const HELP = `converge ${VERSION} — one governed endpoint in front of Bedrock, Azure OpenAI, Vertex AI, OpenAI, Anthropic

Usage: converge <command> [options]

Commands:
  start            Run the gateway (with no --config: SQLite + built-in sandbox providers, no cloud credentials)
  sandbox          Run the provider emulators (OpenAI, Azure OpenAI) standalone
  keys create      Issue a virtual key (the secret is shown once), optionally in a team, with limits
  keys list        List virtual keys (never their secrets): team, role, state, expiry
  keys rotate      Issue a new secret for a key; the old one keeps working for an overlap
  keys update      Change a key's name, role, models, residency, limits, budget or tags
  keys revoke      Revoke a key by name or id
  teams            Create, list, show, update and delete teams (models, residency, limits, budgets)
  users            Create, list and delete users (admin, team-admin, member)
  usage            Requests, tokens and cost by team, key, model, provider or day (--csv, --json)
  catalog          List the model catalog: prices, context windows, lifecycle (--provider, --json)

Run 'converge <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'start':
      return runStartCommand(rest);
    case 'sandbox':
      return runSandboxCommand(rest);
    case 'keys':
      return runKeysCommand(rest);
    case 'teams':
      return runTeamsCommand(rest);
    case 'users':
      return runUsersCommand(rest);
    case 'usage':
      return runUsageCommand(rest);
    case 'catalog':
      return runCatalogCommand(rest);
    default:
      process.stderr.write(`converge: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`converge: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(
      `converge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
