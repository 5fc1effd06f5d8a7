import type { Config } from '../../config/schema.js';
import { usdToMicros } from '../../limits/budget-periods.js';
import type { BudgetLimit, ScopeLimits } from '../../limits/limit-store.js';
import type { Principal } from '../gateway-context.js';

type KeyLimitsConfig = NonNullable<Config['keys'][number]['limits']>;
type KeyBudgetConfig = NonNullable<Config['keys'][number]['budget']>;

/**
 * A key's own fields over the defaults, field by field.
 *
 * @example
 * mergeKeyLimits({ limits: { rpm: 5 } }, { limits: { rpm: 60, tpm: 1000 } }) // { rpm: 5, tpm: 1000 }
 */
export function mergeKeyLimits(
  own: { limits?: KeyLimitsConfig | undefined; budget?: KeyBudgetConfig | undefined },
  defaults: { limits?: KeyLimitsConfig | undefined; budget?: KeyBudgetConfig | undefined },
): ScopeLimits {
  const hard = (own.budget?.mode ?? defaults.budget?.mode ?? 'hard') === 'hard';
  const budgets: BudgetLimit[] = [];
  const day = own.budget?.usdPerDay ?? defaults.budget?.usdPerDay;
  const month = own.budget?.usdPerMonth ?? defaults.budget?.usdPerMonth;
  if (day !== undefined) budgets.push({ period: 'day', limitMicros: usdToMicros(day), hard });
  if (month !== undefined) budgets.push({ period: 'month', limitMicros: usdToMicros(month), hard });
  const limits: ScopeLimits = {};
  const rpm = own.limits?.rpm ?? defaults.limits?.rpm;
  const tpm = own.limits?.tpm ?? defaults.limits?.tpm;
  const concurrency = own.limits?.concurrency ?? defaults.limits?.concurrency;
  if (rpm !== undefined) limits.rpm = rpm;
  if (tpm !== undefined) limits.tpm = tpm;
  if (concurrency !== undefined) limits.concurrency = concurrency;
  if (budgets.length > 0) limits.budgets = budgets;
  return limits;
}

/**
 * The limits of each key from the config: a key declared in `keys:` gets its own `limits`/`budget`
 * over `limits.defaultKey`; any other key (issued, dev) gets the defaults. Resolved once at start.
 * Limits for issued keys (admin API) plug in here later.
 *
 * @example
 * const limitsFor = createKeyLimitsPolicy(config);
 * limitsFor(principal) // { rpm: 60, budgets: [{ period: 'day', limitMicros: 5_000_000, hard: true }] }
 */
export function createKeyLimitsPolicy(
  config: Pick<Config, 'keys' | 'limits'>,
): (principal: Principal) => ScopeLimits {
  const defaults = config.limits.defaultKey;
  const byName = new Map(config.keys.map((key) => [key.name, mergeKeyLimits(key, defaults)]));
  const fallback = mergeKeyLimits({}, defaults);
  return (principal) => byName.get(principal.keyName) ?? fallback;
}

/**
 * True when some key (or the default) has any limit or budget: otherwise no store is needed.
 *
 * @example if (!configHasLimits(config)) return; // nothing to open
 */
export function configHasLimits(config: Pick<Config, 'keys' | 'limits'>): boolean {
  const declared = [config.limits.defaultKey, ...config.keys];
  return declared.some(
    (entry) =>
      Object.values(entry.limits ?? {}).some((value) => value !== undefined) ||
      entry.budget?.usdPerDay !== undefined ||
      entry.budget?.usdPerMonth !== undefined,
  );
}
