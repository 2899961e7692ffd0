/**
 * The readable API reference at /api/docs (issue 14): a digest of the served
 * OpenAPI document (buildOpenApiDocument), so the page cannot drift from
 * /api/v1/openapi.json either. Rendered on the server as plain HTML inside
 * the app's layout: no reference bundle, no CDN, no script of its own, so
 * the page lives with the strict Content-Security-Policy of entry.server.tsx
 * (scripts only with the response's nonce) without an exception.
 */
import { buildOpenApiDocument } from './openapi.server.ts'

type Json = Record<string, unknown>

export type DocField = { name: string; type: string; required: boolean; description: string | null }
export type DocSchema = { id: string; description: string | null; type: string; fields: DocField[] }
export type DocOperation = {
  id: string
  method: string
  path: string
  summary: string
  description: string | null
  public: boolean
  parameters: (DocField & { in: string })[]
  requestBody: string | null
  responses: { status: string; description: string; schema: string | null }[]
}

const refName = (ref: string) => ref.replace('#/components/schemas/', '')

/** A schema in a few words: `string (date)`, `integer`, `Progress`, `array of Group`, `"a" | "b"`, `… | null`. */
export function typeOf(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return 'any'
  const s = schema as Json
  if (typeof s.$ref === 'string') return refName(s.$ref)
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return ((s.anyOf ?? s.oneOf) as unknown[]).map(typeOf).join(' | ')
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.type === 'array') return `array of ${typeOf(s.items)}`
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties)}`
  if (s.type === 'object') return 'object'
  if (typeof s.type === 'string') return typeof s.format === 'string' ? `${s.type} (${s.format})` : s.type
  if (Array.isArray(s.type)) return s.type.join(' | ')
  return 'any'
}

function fieldsOf(schema: Json): DocField[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>
  const required = new Set((schema.required ?? []) as string[])
  const rows: DocField[] = []
  for (const [name, p] of Object.entries(properties)) {
    rows.push({ name, type: typeOf(p), required: required.has(name), description: typeof p.description === 'string' ? p.description : null })
    // One level of nesting, written with a dot (outcome.status, error.code…).
    const inner = p.type === 'object' ? p : p.type === 'array' && (p.items as Json | undefined)?.type === 'object' ? (p.items as Json) : null
    if (inner?.properties) for (const f of fieldsOf(inner)) rows.push({ ...f, name: `${name}${p.type === 'array' ? '[]' : ''}.${f.name}` })
  }
  return rows
}

/** The reference: every operation (in the document's order) and every component schema. */
export function apiReference() {
  const doc = buildOpenApiDocument() as unknown as {
    info: { description: string }
    paths: Record<string, Record<string, Json>>
    components: { schemas: Record<string, Json> }
  }
  const operations: DocOperation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = (op.requestBody as Json | undefined)?.content as Record<string, { schema: unknown }> | undefined
      operations.push({
        id: String(op.operationId),
        method: method.toUpperCase(),
        path,
        summary: String(op.summary ?? ''),
        description: typeof op.description === 'string' ? op.description : null,
        public: Array.isArray(op.security) && op.security.length === 0,
        parameters: ((op.parameters ?? []) as Json[]).map((p) => ({
          name: String(p.name),
          in: String(p.in),
          type: typeOf(p.schema),
          required: p.required === true,
          description: typeof p.description === 'string' ? p.description : null,
        })),
        requestBody: body?.['application/json'] ? typeOf(body['application/json'].schema) : null,
        responses: Object.entries((op.responses ?? {}) as Record<string, Json>).map(([status, r]) => {
          const content = r.content as Record<string, { schema: unknown }> | undefined
          const first = content ? Object.entries(content)[0] : undefined
          return {
            status,
            description: String(r.description ?? ''),
            schema: first ? (first[0] === 'application/json' ? typeOf(first[1].schema) : first[0]) : null,
          }
        }),
      })
    }
  }
  const schemas: DocSchema[] = Object.entries(doc.components.schemas).map(([id, s]) => ({
    id,
    description: typeof s.description === 'string' ? s.description : null,
    type: typeOf(s),
    fields: s.type === 'object' ? fieldsOf(s) : s.type === 'array' && (s.items as Json)?.type === 'object' ? fieldsOf(s.items as Json) : [],
  }))
  return { intro: doc.info.description, operations, schemas }
}
