/**
 * How hard a lesson is to read, and how long it takes, for content written for
 * adults who may read little (DESIGN.md §1, policy 附件6 (六)1). Pure: the
 * common-character list is passed in (content/language/common-chars-2500.txt,
 * the 2,500 常用字 of the 1988 现代汉语常用字表).
 *
 * - A **sentence** ends at 。！？；!?; or at the end of a block (a heading, a
 *   paragraph, a list item, a table cell, a line break). Its length counts
 *   Chinese characters, letters and digits (not spaces or punctuation).
 * - **Uncommon characters**: Chinese characters not in the list, as a share of
 *   all Chinese characters.
 * - **Minutes**: reading at `slowCpm`–`fastCpm` characters a minute plus
 *   `perQuestion` minutes for each practice question (the items of the
 *   "练一练" list), with a few minutes' slack for pictures and re-reading.
 */
export type DocNode = { type?: string; text?: string; content?: DocNode[]; attrs?: Record<string, unknown> }

const HAN = /\p{Script=Han}/u
const COUNTED = /[\p{Script=Han}\p{L}\p{N}]/u
const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'tableCell', 'tableHeader', 'blockquote'])

/** The lesson's text, one string per block (a line break ends a block too). */
export function blockTexts(doc: DocNode): string[] {
  const out: string[] = []
  let current = ''
  const flush = () => {
    if (current.trim()) out.push(current.trim())
    current = ''
  }
  const walk = (n: DocNode) => {
    if (n.type === 'text') current += n.text ?? ''
    else if (n.type === 'hardBreak') flush()
    else if (n.type === 'image') {
      flush()
    } else {
      const block = BLOCKS.has(n.type ?? '')
      if (block) flush()
      for (const c of n.content ?? []) walk(c)
      if (block) flush()
    }
  }
  walk(doc)
  flush()
  return out
}

/** Characters that count toward length (Chinese characters, letters, digits). */
export const countedLength = (s: string) => [...s].filter((c) => COUNTED.test(c)).length

export function sentences(doc: DocNode): string[] {
  return blockTexts(doc)
    .flatMap((b) => b.split(/[。！？；!?;]+/))
    .map((s) => s.trim())
    .filter((s) => countedLength(s) > 0)
}

export type Readability = {
  sentences: number
  /** Average counted characters a sentence. */
  averageSentence: number
  longestSentence: string
  hanCount: number
  uncommon: string[]
  /** Uncommon Chinese characters / all Chinese characters (0–1). */
  uncommonShare: number
  /** Counted characters of the whole lesson. */
  length: number
}

export function readability(doc: DocNode, common: ReadonlySet<string>): Readability {
  const list = sentences(doc)
  const lengths = list.map(countedLength)
  const all = blockTexts(doc).join('')
  const han = [...all].filter((c) => HAN.test(c))
  const uncommon = han.filter((c) => !common.has(c))
  const longestIndex = lengths.indexOf(Math.max(0, ...lengths))
  return {
    sentences: list.length,
    averageSentence: lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0,
    longestSentence: list[longestIndex] ?? '',
    hanCount: han.length,
    uncommon: [...new Set(uncommon)],
    uncommonShare: han.length ? uncommon.length / han.length : 0,
    length: countedLength(all),
  }
}

/** The items of the ordered list under the "练一练" heading (the practice questions). */
export function practiceQuestions(doc: DocNode): number {
  const nodes = doc.content ?? []
  const i = nodes.findIndex((n) => n.type === 'heading' && blockTexts(n).join('').includes('练一练'))
  if (i < 0) return 0
  const list = nodes.slice(i + 1).find((n) => n.type === 'orderedList' || n.type === 'heading')
  return list?.type === 'orderedList' ? (list.content ?? []).length : 0
}

/** The recap: a block quote under a "记一记" heading. */
export function hasRecap(doc: DocNode): boolean {
  const nodes = doc.content ?? []
  const i = nodes.findIndex((n) => n.type === 'heading' && blockTexts(n).join('').includes('记一记'))
  return i >= 0 && nodes[i + 1]?.type === 'blockquote'
}

export type Pace = { slowCpm: number; fastCpm: number; perQuestion: number; slack: number }
/** Adult learners who read little: 100–150 characters a minute, 3 minutes a question. */
export const LEARNER_PACE: Pace = { slowCpm: 100, fastCpm: 150, perQuestion: 3, slack: 10 }
/** Teachers: 250–400 characters a minute; a practice task (a plan, a reflection) takes 10 minutes. */
export const TEACHER_PACE: Pace = { slowCpm: 250, fastCpm: 400, perQuestion: 10, slack: 10 }

/** The range of nominal minutes that is honest for a lesson of this length and this many questions. */
export function minutesRange(length: number, questions: number, pace: Pace): { min: number; max: number } {
  const practice = questions * pace.perQuestion
  return {
    min: Math.max(1, Math.floor(length / pace.fastCpm + practice)),
    max: Math.ceil(length / pace.slowCpm + practice + pace.slack),
  }
}
