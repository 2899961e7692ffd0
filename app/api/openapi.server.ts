/**
 * GET /api/v1/openapi.json: OpenAPI 3.1, built from the zod schemas that
 * validate the requests (app/api/schemas.ts) with zod 4's z.toJSONSchema.
 * OpenAPI 3.1 schema objects are JSON Schema 2020-12, zod's default target.
 * Each new endpoint adds its operation to `paths` below.
 */
import { z } from 'zod'
import { API_ERROR_CODES, API_ERROR_STATUS, ProgressQuery, apiSchemas, type ApiErrorCode } from './schemas.ts'

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` })

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, { io: 'input', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'throw' })
  // `$id`/`$schema` per component are noise inside an OpenAPI document (the dialect is declared once).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>
      return [id, rest]
    }),
  )
}

/** Query parameters from a zod object schema, one per property. */
function queryParameters(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, { description?: string }>; required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s
    return { name, in: 'query', required: json.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest }
  })
}

const ERROR_DESCRIPTIONS: Record<ApiErrorCode, string> = {
  unauthenticated: 'No valid bearer token (or, for the token endpoint, a wrong username or password)',
  forbidden: 'The caller\'s role may not do this',
  not_found: 'No such resource, or outside the caller\'s scope',
  validation_failed: 'The request is invalid (malformed JSON included); `fields` says which field and why',
  conflict: 'Conflicts with the current state',
  not_eligible: 'Not eligible',
  tasks_incomplete: 'The course has unfinished tasks',
  rate_limited: 'Too many attempts; see Retry-After',
}

function errors(...codes: ApiErrorCode[]) {
  const byStatus = new Map<number, ApiErrorCode[]>()
  for (const code of codes) byStatus.set(API_ERROR_STATUS[code], [...(byStatus.get(API_ERROR_STATUS[code]) ?? []), code])
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `\`${c}\`: ${ERROR_DESCRIPTIONS[c]}`).join('; '),
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  )
}

const jsonBody = (id: string) => ({ required: true, content: { 'application/json': { schema: ref(id) } } })
const jsonAnswer = (description: string, id: string) => ({ description, content: { 'application/json': { schema: ref(id) } } })
const enrollmentId = { name: 'id', in: 'path', required: true, description: 'Enrollment id', schema: { type: 'string' } }

export function buildOpenApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'XiangXue (乡学) API',
      version: '1',
      description:
        'JSON in and out, UTF-8. Dates are YYYY-MM-DD in Beijing time; instants are ISO 8601 with offset. ' +
        'Get a token from POST /api/v1/auth/token and send it as `Authorization: Bearer <token>`; the session cookie of the web UI is not accepted. ' +
        'Tokens are sessions and obey the roles and scopes of the web UI. Error codes: ' +
        API_ERROR_CODES.map((c) => `${c} (${API_ERROR_STATUS[c]})`).join(', ') +
        '.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    paths: {
      '/api/v1/auth/token': {
        post: {
          operationId: 'issueToken',
          summary: 'Sign in and get a bearer token (a session)',
          security: [],
          requestBody: jsonBody('TokenRequest'),
          responses: { '200': jsonAnswer('A new token', 'TokenResponse'), ...errors('forbidden', 'validation_failed', 'unauthenticated', 'rate_limited') },
        },
      },
      '/api/v1/enrollments/{id}/hours': {
        post: {
          operationId: 'recordHours',
          summary: 'Record an audited hour adjustment (negative minutes: a correction)',
          description: 'Coordinators and admins, for enrollments in their scope. The date must lie within the enrollment period and not after today.',
          parameters: [
            enrollmentId,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Optional, 1–100 visible ASCII characters, per caller and enrollment. Repeating a request with the same key records nothing new and answers 200 with the first entry; the same key with a different body is 409 conflict.',
              schema: { type: 'string', minLength: 1, maxLength: 100 },
            },
          ],
          requestBody: jsonBody('HoursRequest'),
          responses: {
            '201': jsonAnswer('The new ledger entry', 'HoursResponse'),
            '200': jsonAnswer('A repeat of an earlier request with the same Idempotency-Key: its entry, nothing new recorded', 'HoursResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/progress': {
        get: {
          operationId: 'getProgress',
          summary: 'Progress of one enrollment against its requirements',
          description: 'The person themselves (learner or teacher token), or coordinators, bureau users and admins in scope.',
          parameters: [enrollmentId, ...queryParameters(ProgressQuery)],
          responses: { '200': jsonAnswer('Progress as of the date', 'Progress'), ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed') },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/auth/token' },
      },
      schemas: componentSchemas(),
    },
  }
}
