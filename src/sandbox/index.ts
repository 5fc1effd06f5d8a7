export type { SandboxModel } from './default-models.js';
export {
  defaultSandboxOptions,
  type ResolvedSandboxOptions,
  resolveSandboxOptions,
  type SandboxDeployment,
  type SandboxOptions,
  sandboxOptionsSchema,
} from './sandbox-options.js';
export type { SandboxStatsSnapshot, TargetStats } from './sandbox-stats.js';
export { type RunningSandbox, startSandbox } from './start-sandbox.js';
