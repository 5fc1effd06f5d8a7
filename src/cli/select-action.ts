import { CliError } from './cli-support.js';

/** One action of a command: how to run it, and what its one positional argument names (if it takes one). */
export interface ActionSpec<Context> {
  run: (context: Context, target: string) => Promise<number>;
  /** e.g. `the team name or id`; undefined when the action takes no positional argument. */
  target?: string;
}

/**
 * Picks the action named by the first positional and checks the positional count, before any store is
 * opened, so a typo costs nothing.
 *
 * @example
 * const { action, target } = selectAction('teams', ACTIONS, ['show', 'search']);
 * await action.run(context, target);
 */
export function selectAction<Context>(
  command: string,
  actions: ReadonlyMap<string, ActionSpec<Context>>,
  positionals: readonly string[],
): { action: ActionSpec<Context>; target: string } {
  const [name = '', target, ...extra] = positionals;
  const action = actions.get(name);
  if (action === undefined)
    throw new CliError(`${command}: unknown action '${name}' (${[...actions.keys()].join(', ')})`);
  const unexpected = action.target === undefined ? target : extra[0];
  if (unexpected !== undefined) throw new CliError(`${command} ${name}: unexpected argument '${unexpected}'`);
  if (action.target !== undefined && target === undefined)
    throw new CliError(`${command} ${name}: give ${action.target}`);
  return { action, target: target ?? '' };
}
