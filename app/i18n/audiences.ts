/**
 * Which messages a page carries to the browser (DESIGN.md §7: a learner page
 * carries only learner messages, and its HTML + CSS ≤ 30 KB). Staff get the
 * whole catalog from the root loader. Learners, teachers and visitors who are
 * not signed in get the root's few namespaces (CORE_NAMESPACES: the top bar,
 * the error page) from the root loader, and each page's own namespaces from
 * its loader (app/i18n/page-messages.server.ts, `withMessages`): the whole
 * learner set was 14 KB gzipped on every page, more than the page itself. No
 * catalog is in the JavaScript bundle. tests/unit/i18n-audiences.test.ts
 * checks that every key a learner page can show is in the namespaces it gets,
 * and that none of them is staff-only.
 */
import type { Messages } from './index.ts'

export type Audience = 'learner' | 'staff'

/** Namespaces (the part of a key before the first dot) that only staff pages use. */
export const STAFF_ONLY_NAMESPACES: readonly string[] = [
  'account',
  'admin',
  'apiDocs',
  'apiTokens',
  'audit',
  'bureau',
  'catalog',
  'certificateBatches',
  'coordHome',
  'coordinator',
  'dashboard',
  'deliveries',
  'earlyQueue',
  'enroll',
  'exemptionQueue',
  'exports',
  'figure',
  'funding',
  'householdExport',
  'idNumber',
  'learnerQueue',
  'ledger',
  'lessonEditor',
  'people',
  'person',
  'queues',
  'report',
  'roster',
  'rosterImport',
  'selfStudyQueue',
  'study',
  'targets',
]

/** The namespaces the root (top bar, error page) shows, and the typed errors' (app/models/errors.server.ts): every page of a learner gets them. */
export const CORE_NAMESPACES: readonly string[] = ['app', 'error', 'errors', 'locale', 'nav', 'notifications', 'role']

const staffOnly = new Set(STAFF_ONLY_NAMESPACES)

/** The messages of `catalog` the root loader sends this audience: all of them to staff, the core namespaces to the others. */
export function messagesFor<C extends Messages>(catalog: C, audience: Audience): Messages {
  if (audience === 'staff') return catalog
  return namespaceMessages(catalog, CORE_NAMESPACES)
}

const subsets = new WeakMap<object, Map<string, Messages>>()

/** The messages of `catalog` in these namespaces, never a staff-only one (computed once per catalog and list). */
export function namespaceMessages(catalog: Messages, namespaces: readonly string[]): Messages {
  const key = namespaces.join(' ')
  let byList = subsets.get(catalog)
  if (!byList) subsets.set(catalog, (byList = new Map()))
  let subset = byList.get(key)
  if (!subset) {
    const wanted = new Set(namespaces.filter((ns) => !staffOnly.has(ns)))
    subset = Object.fromEntries(Object.entries(catalog).filter(([k]) => wanted.has(k.split('.', 1)[0]!))) as Messages
    byList.set(key, subset)
  }
  return subset
}
