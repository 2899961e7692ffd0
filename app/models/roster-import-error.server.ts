/**
 * The roster import's errors, who may import and the file's row ceiling: what
 * both sides of the preview (app/models/roster-import.server.ts, which waits,
 * and app/models/roster-preview.server.ts, which reads in a thread) need, in
 * a module that loads nothing heavy.
 */
import type { RosterFileProblem } from '#app/domain/file-kind.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import type { MessageKey, T } from '#app/i18n/index.ts'
import { scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { AppError, ForbiddenError, type AppErrorKind } from './errors.server.ts'

export const ROSTER_IMPORTERS = PEOPLE_MANAGERS
/** Data rows per file (20 MB holds about 100,000 rows of seven columns). */
export const MAX_ROSTER_ROWS = 200_000

export type RosterImportErrorCode = RosterFileProblem['code'] | 'no_header' | 'no_rows' | 'too_many_rows' | 'no_file' | 'not_previewed' | 'queue_unavailable'

export class RosterImportError extends AppError {
  constructor(readonly code: RosterImportErrorCode) {
    super(code)
    this.name = 'RosterImportError'
  }
  get kind(): AppErrorKind {
    return this.code === 'not_previewed' || this.code === 'queue_unavailable' ? 'conflict' : 'validation_failed'
  }
  override get field() {
    return this.code === 'not_previewed' || this.code === 'queue_unavailable' ? undefined : 'file'
  }
  describe(t: T) {
    return t(`rosterImport.error.${this.code}` as MessageKey, { max: MAX_ROSTER_ROWS.toLocaleString('en-US') })
  }
}

/** The importer's scopes; someone who may not import: 403. */
export function importerScopes(user: CurrentUser): Scope[] {
  const scopes = scopesFor(user, ROSTER_IMPORTERS)
  if (scopes.length === 0) throw new ForbiddenError()
  return scopes
}

/** The region path the import belongs to in the audit log (the importer's first scope; null = everything). */
export function auditPath(scopes: Scope[]): string | null {
  for (const s of scopes) {
    if (s.kind === 'region') return s.path
    if (s.kind === 'organization') return s.regionPath
  }
  return null
}
