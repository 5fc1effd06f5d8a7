import type { ConfigInput } from './schema.js';

type Deployments = NonNullable<ConfigInput['deployments']>;
type Models = NonNullable<ConfigInput['models']>;

/** One public model: its kind, aliases, and candidate deployments as [sandbox account, upstream id, processing]. */
interface SandboxModel {
  kind: 'chat' | 'embedding';
  aliases?: string[];
  deployments: Array<[account: string, upstreamId: string, processing: string]>;
}

/** OpenAI models on an Azure-style account (processing in the EU) first and an OpenAI one second. */
function openAIModel(id: string, kind: 'chat' | 'embedding' = 'chat'): SandboxModel {
  return {
    kind,
    deployments: [
      ['sandbox-azure', id, 'eu'],
      ['sandbox-openai', id, 'us'],
    ],
  };
}

const SANDBOX_MODELS: Record<string, SandboxModel> = {
  'gpt-4o': openAIModel('gpt-4o'),
  'gpt-4o-mini': openAIModel('gpt-4o-mini'),
  'gpt-4.1': openAIModel('gpt-4.1'),
  'o3-mini': openAIModel('o3-mini'),
  'text-embedding-3-small': openAIModel('text-embedding-3-small', 'embedding'),
  'text-embedding-3-large': openAIModel('text-embedding-3-large', 'embedding'),
  'claude-3-5-sonnet': {
    kind: 'chat',
    aliases: ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    deployments: [
      ['sandbox-bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'us-east-1'],
      ['sandbox-anthropic', 'claude-3-5-sonnet-20241022', 'us'],
    ],
  },
  'claude-sonnet-4-5': { kind: 'chat', deployments: [['sandbox-anthropic', 'claude-sonnet-4-5', 'us']] },
  'claude-haiku-4-5': { kind: 'chat', deployments: [['sandbox-anthropic', 'claude-haiku-4-5', 'us']] },
  'llama-3.3-70b': {
    kind: 'chat',
    aliases: ['meta.llama3-3-70b-instruct-v1:0'],
    deployments: [['sandbox-bedrock', 'meta.llama3-3-70b-instruct-v1:0', 'us-east-1']],
  },
  'gemini-2.0-flash': {
    kind: 'chat',
    deployments: [
      ['sandbox-vertex', 'gemini-2.0-flash', 'europe-west4'],
      ['sandbox-gemini', 'gemini-2.0-flash', 'global'],
    ],
  },
  'gemini-2.5-flash': {
    kind: 'chat',
    deployments: [
      ['sandbox-vertex', 'gemini-2.5-flash', 'europe-west4'],
      ['sandbox-gemini', 'gemini-2.5-flash', 'global'],
    ],
  },
  'text-embedding-004': {
    kind: 'embedding',
    deployments: [['sandbox-gemini', 'text-embedding-004', 'global']],
  },
  'titan-embed-text-v2': {
    kind: 'embedding',
    aliases: ['amazon.titan-embed-text-v2:0'],
    deployments: [['sandbox-bedrock', 'amazon.titan-embed-text-v2:0', 'us-east-1']],
  },
};

/**
 * The configuration used when none is given: everything runs in one process with no cloud
 * credentials — SQLite under the data dir and the sandbox emulators of every supported cloud as
 * upstreams, reached through the real provider code. Any dialect can call any of these models.
 */
export function embeddedDefaultConfig(server: {
  host?: string;
  port?: number;
  dataDir?: string;
}): ConfigInput {
  const deployments: Deployments = {};
  const models: Models = {};
  for (const [name, model] of Object.entries(SANDBOX_MODELS)) {
    const names = model.deployments.map(([account, upstreamId, processing]) => {
      const deployment = `${name}@${account}`;
      deployments[deployment] = { provider: account, model: upstreamId, processing };
      return deployment;
    });
    models[name] = { kind: model.kind, aliases: model.aliases ?? [], deployments: names };
  }
  return {
    server: { host: server.host ?? '127.0.0.1', port: server.port ?? 4000 },
    storage: { type: 'sqlite', dataDir: server.dataDir ?? './.converge' },
    providers: {
      'sandbox-azure': { type: 'sandbox', emulate: 'azure-openai' },
      'sandbox-openai': { type: 'sandbox', emulate: 'openai' },
      'sandbox-bedrock': { type: 'sandbox', emulate: 'bedrock' },
      'sandbox-vertex': { type: 'sandbox', emulate: 'vertex' },
      'sandbox-gemini': { type: 'sandbox', emulate: 'gemini' },
      'sandbox-anthropic': { type: 'sandbox', emulate: 'anthropic' },
    },
    deployments,
    models,
  };
}
