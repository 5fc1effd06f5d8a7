import type { Budget, PolicyFields, RateLimits } from '../storage/types.js';
import { CliError } from './cli-support.js';

/** The parseArgs options for the policy a team and a key both carry (spread into a command's options). */
export const POLICY_ARG_OPTIONS = {
  models: { type: 'string' },
  processing: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  concurrency: { type: 'string' },
  'budget-day': { type: 'string' },
  'budget-month': { type: 'string' },
  'budget-mode': { type: 'string' },
  tag: { type: 'string', multiple: true },
  'remove-tag': { type: 'string', multiple: true },
  'clear-models': { type: 'boolean' },
  'clear-processing': { type: 'boolean' },
  'clear-limits': { type: 'boolean' },
  'clear-budget': { type: 'boolean' },
  'clear-tags': { type: 'boolean' },
} as const;

/** Options that only make sense when changing an existing team or key. */
const UPDATE_ONLY_OPTIONS: readonly string[] = [
  'remove-tag',
  'clear-models',
  'clear-processing',
  'clear-limits',
  'clear-budget',
  'clear-tags',
];

/** Every policy option name, for an update's accepted options. */
export const POLICY_OPTION_NAMES: readonly string[] = Object.keys(POLICY_ARG_OPTIONS);

/** The policy option names a create accepts (no clearing or removing). */
export const POLICY_CREATE_OPTION_NAMES: readonly string[] = POLICY_OPTION_NAMES.filter(
  (name) => !UPDATE_ONLY_OPTIONS.includes(name),
);

export const POLICY_ARG_HELP = `  --models <list>        Comma-separated public model names allowed (default: all)
  --processing <list>    Residency: geographies/regions requests may be processed in, e.g. eu,us (default: any)
  --rpm <n>              Requests per minute
  --tpm <n>              Tokens per minute
  --concurrency <n>      Requests in flight at once
  --budget-day <usd>     USD budget per UTC day
  --budget-month <usd>   USD budget per UTC month
  --budget-mode <mode>   hard (default: refuse once spent) or alert (only log)
  --tag <key=value>      A free-form label (cost centre, owner …); repeat for several`;

export const POLICY_UPDATE_HELP = `  --rpm none …           On update, 'none' removes one limit or budget (--rpm, --tpm, --concurrency,
                         --budget-day, --budget-month)
  --remove-tag <key>     Remove a tag; repeat for several
  --clear-models         Allow all models again        --clear-processing   Allow any residency again
  --clear-limits         Remove every rate limit       --clear-budget       Remove the budget
  --clear-tags           Remove every tag`;

/** The parsed values of `POLICY_ARG_OPTIONS`. */
export interface PolicyValues {
  models?: string;
  processing?: string;
  rpm?: string;
  tpm?: string;
  concurrency?: string;
  'budget-day'?: string;
  'budget-month'?: string;
  'budget-mode'?: string;
  tag?: string[];
  'remove-tag'?: string[];
  'clear-models'?: boolean;
  'clear-processing'?: boolean;
  'clear-limits'?: boolean;
  'clear-budget'?: boolean;
  'clear-tags'?: boolean;
}

/** A policy with nothing set: all models, any residency, no limits, no budget, no tags. */
export function emptyPolicy(): PolicyFields {
  return { models: null, processing: null, limits: {}, budget: {}, tags: {} };
}

function parseList(command: string, option: string, text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new CliError(`${command}: --${option} needs at least one value`);
  return [...new Set(items)];
}

/** A positive integer, or undefined for `none`. */
function parseCount(command: string, option: string, text: string): number | undefined {
  if (text === 'none') return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0)
    throw new CliError(`${command}: --${option} must be a positive whole number or 'none', got '${text}'`);
  return value;
}

/** A positive USD amount, or undefined for `none`. */
function parseUsd(command: string, option: string, text: string): number | undefined {
  if (text === 'none') return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value) || value <= 0)
    throw new CliError(
      `${command}: --${option} must be a positive USD amount (e.g. 25 or 12.50), got '${text}'`,
    );
  return value;
}

/** Sets `field` to the parsed option, deletes it for `none`, leaves it alone when the option is absent. */
function applyField<T extends object, K extends keyof T>(
  target: T,
  field: K,
  text: string | undefined,
  parse: (text: string) => T[K] | undefined,
): void {
  if (text === undefined) return;
  const value = parse(text);
  if (value === undefined) delete target[field];
  else target[field] = value;
}

function applyLimits(command: string, values: PolicyValues, base: RateLimits): RateLimits {
  const limits: RateLimits = values['clear-limits'] === true ? {} : { ...base };
  applyField(limits, 'rpm', values.rpm, (text) => parseCount(command, 'rpm', text));
  applyField(limits, 'tpm', values.tpm, (text) => parseCount(command, 'tpm', text));
  applyField(limits, 'concurrency', values.concurrency, (text) => parseCount(command, 'concurrency', text));
  return limits;
}

function applyBudget(command: string, values: PolicyValues, base: Budget): Budget {
  const budget: Budget = values['clear-budget'] === true ? {} : { ...base };
  applyField(budget, 'usdPerDay', values['budget-day'], (text) => parseUsd(command, 'budget-day', text));
  applyField(budget, 'usdPerMonth', values['budget-month'], (text) =>
    parseUsd(command, 'budget-month', text),
  );
  const mode = values['budget-mode'];
  if (mode !== undefined && mode !== 'hard' && mode !== 'alert')
    throw new CliError(`${command}: --budget-mode must be hard or alert, got '${mode}'`);
  if (mode !== undefined) budget.mode = mode;
  return budget;
}

function applyTags(command: string, values: PolicyValues, base: Record<string, string>) {
  const tags: Record<string, string> = values['clear-tags'] === true ? {} : { ...base };
  for (const key of values['remove-tag'] ?? []) delete tags[key];
  for (const pair of values.tag ?? []) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new CliError(`${command}: --tag must look like key=value, got '${pair}'`);
    tags[pair.slice(0, separator).trim()] = pair.slice(separator + 1).trim();
  }
  return tags;
}

/**
 * The policy after applying the command-line options to `base` (the current policy on update,
 * `emptyPolicy()` on create). Clearing happens before setting, so `--clear-tags --tag a=b` leaves one tag.
 *
 * @example
 * applyPolicyOptions('teams create', { models: 'gpt-4o,o3-mini', rpm: '60' }, emptyPolicy());
 * // { models: ['gpt-4o', 'o3-mini'], processing: null, limits: { rpm: 60 }, budget: {}, tags: {} }
 */
export function applyPolicyOptions(command: string, values: PolicyValues, base: PolicyFields): PolicyFields {
  const models = values['clear-models'] === true ? null : base.models;
  const processing = values['clear-processing'] === true ? null : base.processing;
  return {
    models: values.models === undefined ? models : parseList(command, 'models', values.models),
    processing:
      values.processing === undefined ? processing : parseList(command, 'processing', values.processing),
    limits: applyLimits(command, values, base.limits),
    budget: applyBudget(command, values, base.budget),
    tags: applyTags(command, values, base.tags),
  };
}
