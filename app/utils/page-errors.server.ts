/**
 * The pages' half of "one error type, mapped once per transport"
 * (app/models/errors.server.ts): a model's AppError becomes the page's
 * answer here and nowhere else. The API's half is `toErrorResponse` in
 * app/api/http.server.ts.
 */
import { data } from '@remix-run/node'
import type { T } from '#app/i18n/index.ts'
import { APP_ERROR_STATUS, AppError } from '#app/models/errors.server.ts'

/** What an action answers when a model refused: the message in the reader's language, the field it concerns. */
export type ActionRefusal = { ok: false; message: string; field: string | null; kind: string }

/**
 * For loaders (and the start of actions): a not-found or forbidden AppError
 * becomes the 404 or 403 page (Remix's boundary renders it); anything else
 * is thrown on unchanged.
 */
export function rethrowAsPage(error: unknown): never {
  if (error instanceof AppError && (error.kind === 'not_found' || error.kind === 'forbidden')) {
    throw new Response(error.kind, { status: APP_ERROR_STATUS[error.kind] })
  }
  throw error
}

/** Runs a loader's work, mapping not-found and forbidden refusals to their pages. */
export async function pageLoad<R>(work: () => Promise<R>): Promise<R> {
  try {
    return await work()
  } catch (error) {
    return rethrowAsPage(error)
  }
}

/**
 * For actions: a refusal becomes `{ ok: false, message, field }` with the
 * refusal's HTTP status (the form shows it beside the field); not-found and
 * forbidden are the 404/403 pages as for loaders.
 */
export function refusal(error: unknown, t: T) {
  if (!(error instanceof AppError)) throw error
  if (error.kind === 'not_found' || error.kind === 'forbidden') rethrowAsPage(error)
  return data<ActionRefusal>({ ok: false, message: error.describe(t), field: error.field ?? null, kind: error.kind }, { status: APP_ERROR_STATUS[error.kind] })
}
