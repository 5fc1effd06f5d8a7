import type { Config } from '../../config/schema.js';
import { usdToMicros } from '../../limits/budget-periods.js';
import type { BudgetLimit, ScopeLimits } from '../../limits/limit-store.js';

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
