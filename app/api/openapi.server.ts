/**
 * GET /api/v1/openapi.json: OpenAPI 3.1, built from the zod schemas that
 * validate the requests (app/api/schemas.ts) with zod 4's z.toJSONSchema.
 * OpenAPI 3.1 schema objects are JSON Schema 2020-12, zod's default target.
 * Each new endpoint adds its operation to `paths` below.
 */
import { z } from 'zod'
import { API_ERROR_CODES, API_ERROR_STATUS, ProgressQuery, apiSchemas, type ApiErrorCode } from './schemas.ts'
import './schemas-exemptions.ts'
import './schemas-enrollment.ts' // registers the people, enrollment and records-of-study schemas
import { PageQuery } from './schemas-catalog.ts' // registers the catalog's schemas (GET /programs, /groups/{code}, /groups/{code}/enrollments)
import './schemas-hours.ts' // registers POST /hours/batch's schemas
import './schemas-early-graduation.ts' // registers the early-graduation schemas
import './schemas-certificates.ts' // registers the certificates' schemas
import { PersonTimesQuery } from './schemas-stats.ts' // registers the statistics' schemas

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
  forbidden: "The caller's role may not do this",
  not_found: "No such resource, or outside the caller's scope",
  validation_failed: 'The request is invalid (malformed JSON included); `fields` says which field and why',
  conflict: 'Conflicts with the current state',
  not_eligible: 'Not eligible',
  tasks_incomplete: 'The course has unfinished tasks',
  rate_limited: 'Too many attempts; see Retry-After',
}

/** The error answers of an operation; every endpoint is rate-limited (per address, and per token once signed in), so 429 is always among them. */
function errors(...listed: ApiErrorCode[]) {
  const codes = listed.includes('rate_limited') ? listed : [...listed, 'rate_limited' as const]
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

/** The POST operations that create something: they take an Idempotency-Key (app/api/idempotency.server.ts). */
export const IDEMPOTENT_OPERATIONS = [
  'createPerson',
  'createEnrollment',
  'recordHours',
  'recordHoursBatch',
  'completeTask',
  'recordResult',
  'recordMoralEvaluation',
  'withdrawEnrollment',
  'applyExemption',
  'issueCertificate',
  'applyEarlyGraduation',
] as const

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Optional, 1–100 visible ASCII characters, per caller. A retry with the same key answers the first answer (status and body, with `Idempotent-Replayed: true`) and creates nothing, even when sent while the first is still running; the same key with another request (method, path or body) is 409 conflict. Only successful answers are kept: after a refusal the key may be used again.',
  schema: { type: 'string', minLength: 1, maxLength: 100 },
}

const BODY_TOO_LARGE = {
  description: '`validation_failed`: the body is above the ceiling (64 KB; POST /api/v1/hours/batch 512 KB), refused before it is read',
  content: { 'application/json': { schema: ref('Error') } },
}

type Operation = { operationId: string; parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown>; [more: string]: unknown }

/** Adds what every operation of a kind has: the Idempotency-Key of creating POSTs, the 413 of every body. */
function decorate<P extends Record<string, Record<string, Operation>>>(paths: P): P {
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      if ((IDEMPOTENT_OPERATIONS as readonly string[]).includes(operation.operationId))
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY]
      if (operation.requestBody) operation.responses['413'] ??= BODY_TOO_LARGE
    }
  }
  return paths
}

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
    paths: decorate({
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
          parameters: [enrollmentId],
          requestBody: jsonBody('HoursRequest'),
          responses: {
            '201': jsonAnswer('The new ledger entry', 'HoursResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/hours/batch': {
        post: {
          operationId: 'recordHoursBatch',
          summary: "Sync another platform's days of study (at most 1,000 entries, one day of one enrollment each)",
          description:
            "Coordinators and admins (403 for any other role, e.g. bureau), for enrollments whose class or round is in their scope. Each entry is matched by its externalId, unique per enrollment: sending the same batch twice records nothing twice (the same content is `unchanged`, other content an entry error `conflict`). Good entries are kept when others are refused; an entry outside the caller's scope is an entry error `not_found` with the same message as an unknown id. Recorded as ledger entries of source transfer, each audited.",
          requestBody: jsonBody('HoursBatchRequest'),
          responses: {
            '200': jsonAnswer('What was recorded, what was already there, and the refused entries', 'HoursBatchResponse'),
            ...errors('unauthenticated', 'forbidden', 'validation_failed', 'conflict'),
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
      '/api/v1/programs': {
        get: {
          operationId: 'listPrograms',
          summary: 'Programs with the classes and rounds the caller may see',
          responses: { '200': jsonAnswer('The programs', 'Programs'), ...errors('unauthenticated', 'forbidden') },
        },
      },
      '/api/v1/groups/{code}': {
        get: {
          operationId: 'getGroup',
          summary: 'A class or round, with the courses and tasks of its teaching plan',
          parameters: [{ name: 'code', in: 'path', required: true, description: 'Group code, e.g. CH2026-ZZ01', schema: { type: 'string' } }],
          responses: { '200': jsonAnswer('The group', 'Group'), ...errors('unauthenticated', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/groups/{code}/enrollments': {
        get: {
          operationId: 'listGroupEnrollments',
          summary: 'The enrollments of a class or round, a page at a time',
          description:
            'Staff (coordinators, bureau users, admins) whose scope holds the group. Ordered by startDate, then id; `?cursor` is the nextCursor of the previous page.',
          parameters: [{ name: 'code', in: 'path', required: true, description: 'Group code', schema: { type: 'string' } }, ...queryParameters(PageQuery)],
          responses: { '200': jsonAnswer('One page', 'GroupEnrollmentsPage'), ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed') },
        },
      },
      // People, enrollments and records of study (app/api/study-records.server.ts)
      '/api/v1/people': {
        post: {
          operationId: 'createPerson',
          summary: 'Register a person',
          description: "Coordinators and admins; the region must be a township or village in the caller's scope.",
          requestBody: jsonBody('PersonCreateRequest'),
          responses: {
            '201': jsonAnswer('The new person, ID number masked', 'PersonCreated'),
            '409': jsonAnswer("`conflict`: the ID number is already registered; `existingId` when that person is in the caller's scope", 'PersonDuplicate'),
            ...errors('unauthenticated', 'forbidden', 'validation_failed'),
          },
        },
      },
      '/api/v1/people/{id}': {
        get: {
          operationId: 'getPerson',
          summary: 'One person (ID number masked)',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'Person id', schema: { type: 'string' } }],
          responses: { '200': jsonAnswer('The person', 'Person'), ...errors('unauthenticated', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/enrollments': {
        post: {
          operationId: 'createEnrollment',
          summary: 'Enroll a person in a class or round',
          description:
            "Study years from prior education (senior/vocational 1, else 3); period end = start + years; rounds run to the round's end. 409 conflict when already in that group (with `existingId`) or active in another group of the same program.",
          requestBody: jsonBody('EnrollmentCreateRequest'),
          responses: {
            '201': jsonAnswer('The enrollment', 'EnrollmentCreated'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/tasks/{taskCode}/complete': {
        post: {
          operationId: 'completeTask',
          summary: 'Mark a task (作业/实操) of the plan complete (idempotent)',
          description: 'Coordinators and admins in scope, or the learner on their own enrollment.',
          parameters: [enrollmentId, { name: 'taskCode', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: false, content: { 'application/json': { schema: ref('TaskCompleteRequest') } } },
          responses: {
            '200': jsonAnswer('The completion', 'TaskCompleteResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/results': {
        post: {
          operationId: 'recordResult',
          summary: 'Record an exam result',
          parameters: [enrollmentId],
          requestBody: jsonBody('ResultRequest'),
          responses: {
            '201': jsonAnswer('The result', 'ResultResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'tasks_incomplete', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/moral-evaluation': {
        post: {
          operationId: 'recordMoralEvaluation',
          summary: 'Record the moral evaluation (思想品德评价)',
          parameters: [enrollmentId],
          requestBody: jsonBody('MoralEvaluationRequest'),
          responses: {
            '201': jsonAnswer('The evaluation', 'MoralEvaluationResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/withdraw': {
        post: {
          operationId: 'withdrawEnrollment',
          summary: 'Withdraw an enrollment',
          parameters: [enrollmentId],
          requestBody: jsonBody('WithdrawRequest'),
          responses: {
            '200': jsonAnswer('Withdrawn', 'WithdrawResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/exemptions': {
        post: {
          operationId: 'applyExemption',
          summary: 'Apply for an exemption (免修/免考), credits or the internship waiver',
          description:
            "The learner for their own active enrollment, or a coordinator or admin in scope on their behalf. The course must be in the teaching plan of the class's major and not already passed or exempted; one pending application per course.",
          parameters: [enrollmentId],
          requestBody: jsonBody('ExemptionRequest'),
          responses: {
            '201': jsonAnswer('The new application, pending review', 'ExemptionCreated'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/exemptions/{id}/decision': {
        post: {
          operationId: 'decideExemption',
          summary: 'Approve or reject an exemption application',
          description:
            'Coordinators and admins in scope. Deciding again changes nothing: the same decision answers 200 with the recorded status, the opposite one 409.',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'Exemption id', schema: { type: 'string' } }],
          requestBody: jsonBody('ExemptionDecisionRequest'),
          responses: {
            '200': jsonAnswer('The decision as recorded', 'ExemptionDecisionResponse'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict'),
          },
        },
      },
      '/api/v1/enrollments/{id}/certificates': {
        post: {
          operationId: 'issueCertificate',
          summary: 'Issue a certificate (one per enrollment and type)',
          description:
            'Coordinators and admins in scope. Only for the matching outcome (graduation: eligible_for_graduation; completion; study_record: withdrawn; training: round_complete). Asking again answers 200 with the same certificate.',
          parameters: [enrollmentId],
          requestBody: jsonBody('CertificateIssueRequest'),
          responses: {
            '201': jsonAnswer('Issued', 'CertificateIssued'),
            '200': jsonAnswer('Already issued: the same certificate', 'CertificateIssued'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'not_eligible'),
          },
        },
      },
      '/api/v1/enrollments/{id}/early-graduation': {
        post: {
          operationId: 'applyEarlyGraduation',
          summary: 'Apply to graduate before the period ends',
          description:
            'The learner for their own enrollment, or a coordinator or admin in scope. Only when every graduation condition is met while today is before periodEnd (else 409 not_eligible with the reasons); asking again while one is pending or approved answers 200 with it; after a rejection 409 conflict (a rejection is final; the coordinator may reopen it from the page).',
          parameters: [enrollmentId],
          requestBody: { required: false, content: { 'application/json': { schema: ref('EarlyGraduationRequest') } } },
          responses: {
            '201': jsonAnswer('A new request, pending', 'EarlyGraduationAnswer'),
            '200': jsonAnswer('The request already pending or approved', 'EarlyGraduationAnswer'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'not_eligible', 'conflict'),
          },
        },
      },
      '/api/v1/early-graduation/{id}/decision': {
        post: {
          operationId: 'decideEarlyGraduation',
          summary: 'Approve or reject an early-graduation request',
          description:
            'Coordinators and admins whose scope holds the class. Approval only while every graduation condition is met (409 not_eligible with the reasons otherwise); rejecting needs a reason. The same decision again answers 200 as recorded; the opposite is 409 conflict. An approved request lets the graduation certificate be issued before the period ends.',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'Early-graduation request id', schema: { type: 'string' } }],
          requestBody: jsonBody('EarlyGraduationDecisionRequest'),
          responses: {
            '200': jsonAnswer('The decision as recorded', 'EarlyGraduationDecisionAnswer'),
            ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'not_eligible', 'conflict'),
          },
        },
      },
      '/api/v1/certificates/{serial}/pdf': {
        get: {
          operationId: 'getCertificatePdf',
          summary: 'The certificate as PDF',
          parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
            ...errors('unauthenticated', 'not_found'),
          },
        },
      },
      '/api/v1/certificates/{serial}/prefecture-verification': {
        post: {
          operationId: 'verifyCertificate',
          summary: 'Prefecture verification (州教育局验印) of a graduation certificate',
          description: 'Bureau users allowed to verify graduation certificates, for counties in their scope.',
          parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': jsonAnswer('Valid', 'CertificateStatusAnswer'), ...errors('unauthenticated', 'forbidden', 'not_found', 'conflict') },
        },
      },
      '/api/v1/certificates/{serial}/revoke': {
        post: {
          operationId: 'revokeCertificate',
          summary: 'Revoke a certificate (a reason is required; the serial is never reused)',
          parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: jsonBody('CertificateRevokeRequest'),
          responses: { '200': jsonAnswer('Revoked', 'CertificateStatusAnswer'), ...errors('unauthenticated', 'forbidden', 'not_found', 'validation_failed') },
        },
      },
      '/api/v1/public/certificates/{verificationCode}': {
        get: {
          operationId: 'getPublicCertificate',
          summary: 'Public verification of a certificate (no token; rate-limited per IP)',
          security: [],
          parameters: [{ name: 'verificationCode', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': jsonAnswer('What the verification page shows', 'PublicCertificate'), ...errors('not_found', 'rate_limited') },
        },
      },
      '/api/v1/stats/person-times': {
        get: {
          operationId: 'getPersonTimes',
          summary: 'Person-times (人次), distinct persons, 人学时 and completions, by county, township, school, group or none',
          description:
            "Coordinators, bureau users and admins; only what lies in the caller's scope is counted (by the person's home region or school, or for groupBy=group and major by the class or round). `persons` is distinct in each row and in the totals, never a sum of rows.",
          parameters: queryParameters(PersonTimesQuery),
          responses: { '200': jsonAnswer('The figures', 'PersonTimes'), ...errors('unauthenticated', 'forbidden', 'validation_failed') },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors() },
        },
      },
    }),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/auth/token' },
      },
      schemas: componentSchemas(),
    },
  }
}
