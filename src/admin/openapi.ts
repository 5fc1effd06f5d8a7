import { z } from 'zod';
import type { AnyAdminRoute } from './admin-route.js';
import { adminSchemaRegistry } from './admin-schemas.js';

type JsonSchema = Record<string, unknown>;

const JSON_SCHEMA_OPTIONS = { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' } as const;
const SECURITY = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (`invalid_request`, `invalid_json`, `duplicate_name`); `param` names the first bad field.',
  401: 'No key (`authentication_required`), or an unknown, revoked or expired one (`invalid_api_key`).',
  403: 'The key may not do this (`permission_denied`).',
  404: 'No such record, or one the key may not see (`not_found`).',
};

/** The named schemas as OpenAPI components, referring to each other with `#/components/schemas/<id>`. */
function componentSchemas(): Record<string, JsonSchema> {
  const generated = z.toJSONSchema(adminSchemaRegistry, {
    ...JSON_SCHEMA_OPTIONS,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }
  return schemas;
}

/** A reference to a named schema, or the schema inline when it has no name. */
function schemaOf(schema: z.ZodType): JsonSchema {
  const id = adminSchemaRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _dialect, ...inline } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as JsonSchema;
  return inline;
}

/** One OpenAPI parameter per property of a path or query schema, required as the validator requires. */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const object = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function responsesOf(route: AnyAdminRoute): Record<string, JsonSchema> {
  const status = route.status ?? 200;
  const success: JsonSchema =
    route.response === undefined
      ? { description: 'Done; no content.' }
      : { description: 'Success.', content: { 'application/json': { schema: schemaOf(route.response) } } };
  const responses: Record<string, JsonSchema> = { [String(status)]: success };
  for (const code of [400, 401, 403, ...(route.errors ?? [])]) {
    responses[String(code)] = { $ref: `#/components/responses/Error${code}` };
  }
  return responses;
}

function operationOf(route: AnyAdminRoute): JsonSchema {
  const operation: JsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    responses: responsesOf(route),
  };
  if (route.body !== undefined) {
    operation['requestBody'] = {
      required: route.bodyRequired === true,
      content: { 'application/json': { schema: schemaOf(route.body) } },
    };
  }
  return operation;
}

function errorResponses(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
    responses[`Error${status}`] = {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

/**
 * The OpenAPI 3.1 document of the admin API, generated from the routes and their zod schemas (JSON
 * Schema draft 2020-12, the dialect OpenAPI 3.1 uses): what it says is invalid, the server refuses.
 *
 * @example
 * const document = buildOpenApiDocument(routes, '/admin/v1');
 * document.paths['/admin/v1/keys'].post.requestBody; // → CreateKeyRequest
 */
export function buildOpenApiDocument(routes: readonly AnyAdminRoute[], prefix: string) {
  const paths: Record<string, Record<string, JsonSchema>> = {
    [`${prefix}/openapi.json`]: {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document (no key needed)',
        tags: ['Meta'],
        security: [],
        responses: {
          '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': {} } },
        },
      },
    },
  };
  for (const route of routes) {
    const path = `${prefix}${route.path}`;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Converge admin API',
      version: '1.0.0',
      description:
        'Teams, users, virtual keys, AWS key pairs and usage. Authenticate with the master admin key ' +
        '(CONVERGE_ADMIN_KEY) or a key whose role is `admin` or `team-admin`. See docs/admin-api.md.',
    },
    security: SECURITY,
    tags: [...new Set(['Meta', ...routes.map((route) => route.tag)])].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: errorResponses(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <key>`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
  };
}
