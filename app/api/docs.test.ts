import { expect, test } from 'vitest'
import { apiReference, typeOf } from './docs.server.ts'
import { buildOpenApiDocument } from './openapi.server.ts'

test('the reference lists every operation of the OpenAPI document, with its parameters and answers', () => {
  const doc = buildOpenApiDocument()
  const reference = apiReference()
  const expected = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
  expect(reference.operations.map((o) => `${o.method} ${o.path}`)).toEqual(expected)
  const batch = reference.operations.find((o) => o.id === 'recordHoursBatch')!
  expect(batch.requestBody).toBe('HoursBatchRequest')
  expect(batch.parameters.map((p) => p.name)).toContain('Idempotency-Key')
  expect(batch.responses.map((r) => r.status)).toEqual(expect.arrayContaining(['200', '401', '403', '413', '422', '429']))
  expect(reference.operations.find((o) => o.id === 'getPublicCertificate')!.public).toBe(true)
  const progress = reference.schemas.find((s) => s.id === 'Progress')!
  expect(progress.fields.find((f) => f.name === 'outcome.earlyGraduation')).toMatchObject({
    required: false,
    type: '"needed" | "pending" | "approved" | "rejected"',
  })
})

test('types in a few words', () => {
  expect(typeOf({ type: 'string', format: 'date' })).toBe('string (date)')
  expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null')
  expect(typeOf({ type: 'array', items: { $ref: '#/components/schemas/Group' } })).toBe('array of Group')
  expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map of string')
})
