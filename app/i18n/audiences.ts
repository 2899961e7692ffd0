/**
 * Which messages a page carries to the browser (DESIGN.md §7: a learner page
 * carries only learner messages). Learners, teachers and visitors who are not
 * signed in get every namespace but the staff-only ones below; staff get the
 * whole catalog. The root loader sends them with the page (app/root.tsx), so
 * no catalog is in the JavaScript bundle. tests/unit/i18n-audiences.test.ts
 * checks that every key the learner pages use is in the learner set.
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

const staffOnly = new Set(STAFF_ONLY_NAMESPACES)
export const isLearnerKey = (key: string) => !staffOnly.has(key.split('.', 1)[0]!)

const cache = new WeakMap<object, Messages>()

/** The messages of `catalog` a page for this audience needs (computed once per catalog). */
export function messagesFor<C extends Messages>(catalog: C, audience: Audience): Messages {
  if (audience === 'staff') return catalog
  let subset = cache.get(catalog)
  if (!subset) {
    subset = Object.fromEntries(Object.entries(catalog).filter(([key]) => isLearnerKey(key))) as Messages
    cache.set(catalog, subset)
  }
  return subset
}
