import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { adminSchemaRegistry } from './admin-schemas.js';
import { CreateKeyRequest } from './resource-schemas.js';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

type Json = Record<string, unknown>;

let server: AdminTestServer;
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON.
let document: any;
let ajv: Ajv2020;

beforeAll(async () => {
  server = await startAdminTestServer();
  const response = await server.call('GET', '/openapi.json', { key: null });
  expect(response.status).toBe(200);
  document = response.body;
  // Formats are not asserted: the date-time patterns the schemas carry check the same thing.
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(document, 'openapi.json');
});
afterAll(() => server.close());

function validatorFor(component: string) {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`);
  if (validate === undefined) throw new Error(`no component ${component}`);
  return validate;
}

function collectRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, refs);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      else collectRefs(value, refs);
    }
  }
  return refs;
}

function resolvePointer(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], document);
}

describe('GET /admin/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with bearer and x-api-key security', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(document.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(document.paths['/admin/v1/openapi.json'].get.security).toEqual([]);
  });

  it('lists exactly the routes the server registered, each with its error responses', () => {
    const registered = server.registeredRoutes
      .map((route) => `${route.method} ${route.url.replace(/:([^/]+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(document.paths as Record<string, Json>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(registered);
    expect(registered.length).toBeGreaterThan(20);

    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const operation of Object.values(item)) {
        operationIds.add(operation['operationId'] as string);
        if (path.endsWith('/openapi.json')) continue;
        const responses = operation['responses'] as Json;
        expect(responses['401'], path).toEqual({ $ref: '#/components/responses/Error401' });
        expect(responses['403'], path).toEqual({ $ref: '#/components/responses/Error403' });
        const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        const declared = (operation['parameters'] as Json[]).filter(
          (parameter) => parameter['in'] === 'path',
        );
        expect(declared.map((parameter) => parameter['name'])).toEqual(pathParameters);
      }
    }
    expect(operationIds.size).toBe(registered.length);
  });

  it('resolves every $ref, and the error shape is a component', () => {
    for (const ref of collectRefs(document)) expect(resolvePointer(ref), ref).toBeDefined();
    expect(document.components.schemas.Error.properties.error.required).toEqual([
      'message',
      'type',
      'code',
      'param',
    ]);
  });

  it('documents the schemas the validator uses (generated from the same zod objects)', () => {
    const generated = z.toJSONSchema(CreateKeyRequest, { target: 'draft-2020-12', io: 'input' }) as Json;
    expect(document.components.schemas.CreateKeyRequest.properties.name).toEqual(
      (generated['properties'] as Json)['name'],
    );
    expect(adminSchemaRegistry.get(CreateKeyRequest)?.id).toBe('CreateKeyRequest');
    const usage = document.paths['/admin/v1/usage'].get.parameters as Json[];
    expect(usage.find((parameter) => parameter['name'] === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
    const summary = document.paths['/admin/v1/usage/summary'].get.parameters as Json[];
    expect(summary.find((parameter) => parameter['name'] === 'by')).toMatchObject({ required: true });
  });

  it.each([
    ['CreateKeyRequest', '/keys', { name: 'doc-ok-1' }],
    [
      'CreateKeyRequest',
      '/keys',
      { name: 'doc-ok-2', limits: { rpm: 5 }, budget: { usdPerDay: 1.5, mode: 'hard' } },
    ],
    ['CreateKeyRequest', '/keys', { name: 'doc-bad-1', budget: { usdPerDay: -1 } }],
    ['CreateKeyRequest', '/keys', { name: 'doc-bad-2', unknown: true }],
    ['CreateKeyRequest', '/keys', { name: 'doc-bad-3', limits: { rpm: 0 } }],
    ['CreateKeyRequest', '/keys', { name: 'doc-bad-4', role: 'root' }],
    ['CreateKeyRequest', '/keys', { name: 'doc-bad-5', models: 'gpt-4o' }],
    ['CreateKeyRequest', '/keys', { name: '' }],
    ['CreateTeamRequest', '/teams', { name: 'doc-team', tags: { a: 'b' } }],
    ['CreateTeamRequest', '/teams', { name: 'doc-team-bad', tags: { a: 2 } }],
    ['CreateTeamRequest', '/teams', { name: 'doc-team-bad-2', budget: { usdPerMonth: 5, cap: 1 } }],
    ['CreateUserRequest', '/users', { email: 'doc@example.com', role: 'admin' }],
    ['CreateUserRequest', '/users', { email: 'doc-bad', role: 'admin' }],
  ])('%s: the document and the server agree on %j', async (component, path, body) => {
    const documentSaysValid = validatorFor(component)(body);
    const response = await server.call('POST', path, { body });
    expect(response.status === 201, response.text).toBe(documentSaysValid);
    if (!documentSaysValid) expect(response.body.error.code).toBe('invalid_request');
  });

  it('describes the responses the server sends', async () => {
    const created = await server.call('POST', '/keys', { body: { name: 'doc-response', tags: { x: 'y' } } });
    const checks: [string, unknown][] = [
      ['CreatedKey', created.body],
      ['Key', (await server.call('GET', `/keys/${created.body.id}`)).body],
      ['KeyList', (await server.call('GET', '/keys')).body],
      ['RotatedKey', (await server.call('POST', `/keys/${created.body.id}/rotate`, { body: {} })).body],
      ['TeamList', (await server.call('GET', '/teams')).body],
      ['UserList', (await server.call('GET', '/users')).body],
      ['Me', (await server.call('GET', '/me')).body],
      ['UsageList', (await server.call('GET', '/usage')).body],
      ['UsageSummary', (await server.call('GET', '/usage/summary?by=model')).body],
      ['Error', (await server.call('GET', '/teams/nope')).body],
      ['Error', (await server.call('POST', '/teams', { body: { nope: 1 } })).body],
    ];
    for (const [component, body] of checks) {
      const validate = validatorFor(component);
      expect(validate(body), `${component}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
