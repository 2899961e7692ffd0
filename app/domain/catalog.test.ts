import { readdirSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { CatalogError, parseCatalog, type CatalogFile } from './catalog.ts'

const DIR = new URL('../../content/catalog/', import.meta.url)
const realFiles = (): CatalogFile[] => [
  ...['programs.yaml', 'majors.yaml', 'round-templates.yaml'].map((file) => ({ file, text: readFileSync(new URL(file, DIR), 'utf8') })),
  ...readdirSync(new URL('courses/', DIR)).map((name) => ({ file: `courses/${name}`, text: readFileSync(new URL(`courses/${name}`, DIR), 'utf8') })),
  ...readdirSync(new URL('lessons/', DIR)).flatMap((course) =>
    readdirSync(new URL(`lessons/${course}/`, DIR)).map((name) => ({
      file: `lessons/${course}/${name}`,
      text: readFileSync(new URL(`lessons/${course}/${name}`, DIR), 'utf8'),
    })),
  ),
]
const MEDIA = new URL('../../content/media/', import.meta.url)
const realMedia = () => new Map(readdirSync(MEDIA).map((name) => [`/lesson-media/${name}`, statSync(new URL(name, MEDIA)).size]))

const PROGRAMS = `
programs:
  - { code: skills-credential, name: 职业技能学历双提升, minutesPerHour: 45 }
  - { code: teacher-training, name: 教师培训, minutesPerHour: 45 }
`
const MAJORS = `
sharedPlan: [SC-WH-101]
majors:
  - code: planting
    name: 种植
    plan: [SC-ZZ-101]
`
const COURSES = `
courses:
  - code: SC-WH-101
    program: skills-credential
    name: 普通话
    credits: 2
    kind: culture
  - code: SC-ZZ-101
    program: skills-credential
    name: 种植技术基础
    credits: 4.5
    kind: skill
    tasks:
      - { code: SC-ZZ-101-T1, name: 作业：土壤调查, kind: assignment }
    lessons:
      - code: SC-ZZ-101-01
        title: 认识土壤
        nominalMinutes: 30
        paragraphs: [土壤是庄稼生长的地方。, 先看土是干还是湿。]
`
const minimal = (change: Partial<Record<string, string>> = {}): CatalogFile[] =>
  Object.entries({ 'programs.yaml': PROGRAMS, 'majors.yaml': MAJORS, 'courses/a.yaml': COURSES, ...change })
    .filter(([, text]) => text !== undefined)
    .map(([file, text]) => ({ file, text: text! }))

const issuesOf = (files: CatalogFile[]) => {
  try {
    parseCatalog(files)
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.file}: ${i.path ? `${i.path}: ` : ''}${i.message}`)
    throw error
  }
  return []
}

describe('the real content/catalog', () => {
  const catalog = parseCatalog(realFiles(), { media: realMedia() })

  test('has the fifteen majors of DESIGN.md §2.1 with the seed’s codes', () => {
    expect(catalog.majors.map((m) => m.name)).toEqual([
      '种植',
      '设施农业',
      '养殖',
      '服装设计与制作',
      '家用电器实用技术',
      '农村经营管理',
      '餐饮',
      '计算机及应用技术',
      '法律法规和公民道德实务常识',
      '语言交际艺术',
      '电子商务',
      '刺绣',
      '蜡染',
      '家政',
      '环卫',
    ])
    const code = (name: string) => catalog.majors.find((m) => m.name === name)?.code
    expect([code('种植'), code('养殖'), code('电子商务'), code('餐饮')]).toEqual(['planting', 'breeding', 'e-commerce', 'catering'])
  })

  test('every plan starts with the four culture courses; some majors end with an internship', () => {
    const name = (c: string) => catalog.courses.find((x) => x.code === c)!.name
    for (const m of catalog.majors) expect(m.plan.slice(0, 4).map(name)).toEqual(['读写算', '普通话', '公民道德与思想政治', '政策法规'])
    const planting = catalog.majors.find((m) => m.code === 'planting')!
    expect(planting.plan.map(name)).toContain('顶岗实习（种植）')
    expect(catalog.courses.find((c) => c.code === 'SC-ZZ-901')?.kind).toBe('internship')
  })

  test('keeps the lesson codes the demo used; Markdown lessons become Tiptap JSON', () => {
    const course = catalog.courses.find((c) => c.code === 'SC-ZZ-101')!
    expect(course).toMatchObject({ name: '种植技术基础', credits: 4, kind: 'skill', program: 'skills-credential' })
    expect(course.tasks.map((t) => t.kind)).toEqual(['assignment', 'practical'])
    expect(course.lessons.map((l) => [l.code, l.file])).toEqual([
      ['SC-ZZ-101-01', 'lessons/SC-ZZ-101/01-know-your-soil.md'],
      ['SC-ZZ-101-02', 'lessons/SC-ZZ-101/02-sowing-maize.md'],
      ['SC-ZZ-101-03', 'lessons/SC-ZZ-101/03-pests-and-safe-spraying.md'],
    ])
    expect(course.lessons[0]!.content.content.slice(0, 2)).toEqual([
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: '我们这里的土' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: '册亨和黔西南的山地，多是' },
          { type: 'text', text: '黄壤', marks: [{ type: 'bold' }] },
          { type: 'text', text: '和' },
          { type: 'text', text: '红壤', marks: [{ type: 'bold' }] },
          { type: 'text', text: '。' },
        ],
      },
    ])
    expect(catalog.courses.find((c) => c.code === 'TT-XX-201')?.program).toBe('teacher-training')
  })

  test('round templates carry 学时 and a length in days', () => {
    expect(catalog.templates.find((t) => t.code === 'XCJS')).toEqual({ code: 'XCJS', name: '乡村教师全员轮训', requiredHours: 40, days: 180 })
  })
})

describe('a minimal catalog', () => {
  test('parses, with the shared plan first', () => {
    const catalog = parseCatalog(minimal())
    expect(catalog.majors).toEqual([{ code: 'planting', name: '种植', plan: ['SC-WH-101', 'SC-ZZ-101'] }])
    expect(catalog.courses[0]).toMatchObject({ tasks: [], lessons: [], file: 'courses/a.yaml' })
    expect(catalog.templates).toEqual([])
  })

  test('a lesson may give Tiptap JSON as its body', () => {
    const body = '{ type: doc, content: [{ type: heading, attrs: { level: 2 }, content: [{ type: text, text: 标题 }] }] }'
    const catalog = parseCatalog(minimal({ 'courses/a.yaml': COURSES.replace('paragraphs: [土壤是庄稼生长的地方。, 先看土是干还是湿。]', `body: ${body}`) }))
    expect(catalog.courses[1]!.lessons[0]!.content.content[0]).toMatchObject({ type: 'heading', attrs: { level: 2 } })
  })

  test('a body outside the lesson schema is refused, naming what is wrong', () => {
    const body =
      '{ type: doc, content: [{ type: script, content: [{ type: text, text: x }] }, { type: image, attrs: { src: /lesson-media/a.svg, alt: a, onerror: x } }] }'
    expect(() =>
      parseCatalog(minimal({ 'courses/a.yaml': COURSES.replace('paragraphs: [土壤是庄稼生长的地方。, 先看土是干还是湿。]', `body: ${body}`) })),
    ).toThrow(
      'courses/a.yaml: courses[1].lessons[0].body: does not fit the lesson schema: 第 1 块：不认识的内容类型「script」，课文里不能用; 第 2 块：图片不能带属性「onerror」',
    )
  })
})

describe('errors name the file and the field', () => {
  test.each([
    ['credits below 0', { 'courses/a.yaml': COURSES.replace('credits: 4.5', 'credits: -1') }, 'courses/a.yaml: courses[1].credits: must be at least 0'],
    [
      'credits with two decimals',
      { 'courses/a.yaml': COURSES.replace('credits: 4.5', 'credits: 4.25') },
      'courses/a.yaml: courses[1].credits: must have at most one decimal',
    ],
    [
      'an unknown course kind',
      { 'courses/a.yaml': COURSES.replace('kind: skill', 'kind: hobby') },
      'courses/a.yaml: courses[1].kind: unknown value "hobby" (expected one of culture, skill, internship)',
    ],
    [
      'an unknown task kind',
      { 'courses/a.yaml': COURSES.replace('kind: assignment', 'kind: essay') },
      'courses/a.yaml: courses[1].tasks[0].kind: unknown value "essay" (expected one of assignment, practical)',
    ],
    [
      'a lower-case course code',
      { 'courses/a.yaml': COURSES.replace('code: SC-WH-101', 'code: sc-wh-101') },
      'courses/a.yaml: courses[0].code: must be upper-case letters, digits or "-" (2–40 characters)',
    ],
    ['a missing name', { 'courses/a.yaml': COURSES.replace('    name: 普通话\n', '') }, 'courses/a.yaml: courses[0].name: is required'],
    ['a misspelt field', { 'courses/a.yaml': COURSES.replace('credits: 2', 'credit: 2') }, 'courses/a.yaml: courses[0]: unknown field "credit"'],
    [
      'a lesson without text',
      { 'courses/a.yaml': COURSES.replace('        paragraphs: [土壤是庄稼生长的地方。, 先看土是干还是湿。]\n', '') },
      'courses/a.yaml: courses[1].lessons[0].paragraphs: needs either paragraphs or body (not both)',
    ],
    [
      'an unknown program',
      { 'courses/a.yaml': COURSES.replace('program: skills-credential', 'program: skills') },
      'courses/a.yaml: courses[0].program: unknown program "skills" (not in programs.yaml)',
    ],
    [
      'a plan naming an unknown course',
      { 'majors.yaml': MAJORS.replace('[SC-ZZ-101]', '[SC-ZZ-999]') },
      'majors.yaml: majors[0].plan[0]: unknown course "SC-ZZ-999" (not in courses/*.yaml)',
    ],
    [
      'a plan repeating a shared course',
      { 'majors.yaml': MAJORS.replace('[SC-ZZ-101]', '[SC-WH-101]') },
      'majors.yaml: majors[0].plan[0]: course "SC-WH-101" is already in the plan',
    ],
    [
      'an upper-case major code',
      { 'majors.yaml': MAJORS.replace('code: planting', 'code: Planting') },
      'majors.yaml: majors[0].code: must be lower-case letters, digits or "-"',
    ],
    [
      'a course code used twice across files',
      { 'courses/b.yaml': COURSES.split('  - code: SC-ZZ-101')[0]! },
      'courses/b.yaml: courses[0].code: duplicate course code "SC-WH-101" (also in courses/a.yaml)',
    ],
    ['bad YAML', { 'programs.yaml': 'programs: [' }, 'programs.yaml: not valid YAML'],
    ['no programs.yaml', { 'programs.yaml': undefined }, 'programs.yaml: file is missing'],
    ['a stray file', { 'notes.yaml': 'a: 1' }, 'notes.yaml: unknown file'],
    [
      'minutesPerHour as text',
      { 'programs.yaml': PROGRAMS.replace('minutesPerHour: 45 }\n  - { code: teacher', 'minutesPerHour: "45" }\n  - { code: teacher') },
      'programs.yaml: programs[0].minutesPerHour: must be a number',
    ],
  ])('%s', (_name, change, expected) => {
    const issues = issuesOf(minimal(change as Record<string, string>))
    expect(
      issues.some((i) => i.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true)
  })

  test('a course in a plan must belong to the skills-plus-credential program', () => {
    const files = minimal({
      'courses/a.yaml': COURSES.replace('program: skills-credential\n    name: 种植技术基础', 'program: teacher-training\n    name: 种植技术基础'),
    })
    expect(issuesOf(files)).toContain('majors.yaml: majors[0].plan[0]: course "SC-ZZ-101" is not a skills-credential course')
  })

  test('a task code is unique across courses', () => {
    const twice = COURSES.replace(
      '    credits: 2\n    kind: culture\n',
      '    credits: 2\n    kind: culture\n    tasks: [{ code: SC-ZZ-101-T1, name: 朗读, kind: assignment }]\n',
    )
    expect(issuesOf(minimal({ 'courses/a.yaml': twice }))).toContain(
      'courses/a.yaml: courses[1].tasks[0].code: duplicate task code "SC-ZZ-101-T1" (also in courses/a.yaml)',
    )
  })
})

describe('Markdown lessons in lessons/<course>/NN-name.md', () => {
  const lesson = (over: Record<string, string | number> = {}, body = '## 小节\n\n正文。\n') => {
    const front = { code: 'SC-WH-101-01', course: 'SC-WH-101', position: 1, title: '问候', minutes: 15, ...over }
    return `---\n${Object.entries(front)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')}\n---\n${body}`
  }
  const parseWith = (files: Record<string, string>, media: Record<string, number> = {}) =>
    parseCatalog(minimal(files), { media: new Map(Object.entries(media)) })
  const problems = (files: Record<string, string>, media: Record<string, number> = {}) => {
    try {
      parseWith(files, media)
    } catch (error) {
      if (error instanceof CatalogError) return error.issues.map((i) => `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`)
      throw error
    }
    return []
  }

  test('join their course, in position order, as Tiptap JSON', () => {
    const catalog = parseWith(
      {
        'lessons/SC-WH-101/02-market.md': lesson({ code: 'SC-WH-101-02', position: 2, title: '买东西' }),
        'lessons/SC-WH-101/01-hello.md': lesson({}, '![标志](/lesson-media/a.svg)\n'),
      },
      { '/lesson-media/a.svg': 2000 },
    )
    const course = catalog.courses.find((c) => c.code === 'SC-WH-101')!
    expect(course.lessons.map((l) => [l.code, l.title, l.nominalMinutes, l.file])).toEqual([
      ['SC-WH-101-01', '问候', 15, 'lessons/SC-WH-101/01-hello.md'],
      ['SC-WH-101-02', '买东西', 15, 'lessons/SC-WH-101/02-market.md'],
    ])
    expect(course.lessons[0]!.content).toEqual({ type: 'doc', content: [{ type: 'image', attrs: { src: '/lesson-media/a.svg', alt: '标志' } }] })
  })

  test.each<[string, Record<string, string>, Record<string, number>, string]>([
    [
      'a link, with its line',
      { 'lessons/SC-WH-101/01-hello.md': lesson({}, '正文。\n\n[看](javascript:alert(1))\n') },
      {},
      'lessons/SC-WH-101/01-hello.md:10: link "javascript:alert(1)" must start with http:// or https://, or be an address on this site (/…)',
    ],
    [
      'the wrong folder',
      { 'lessons/SC-ZZ-101/01-hello.md': lesson() },
      {},
      'lessons/SC-ZZ-101/01-hello.md:3: front matter "course" is SC-WH-101 but the file is in lessons/SC-ZZ-101/',
    ],
    [
      'a position that is not the file number',
      { 'lessons/SC-WH-101/02-hello.md': lesson() },
      {},
      'lessons/SC-WH-101/02-hello.md:4: front matter "position" is 1 but the file name starts with 02',
    ],
    [
      'a missing picture',
      { 'lessons/SC-WH-101/01-hello.md': lesson({}, '![图](/lesson-media/none.svg)\n') },
      {},
      'lessons/SC-WH-101/01-hello.md:8: /lesson-media/none.svg not found',
    ],
    [
      'a picture over 100 KB',
      { 'lessons/SC-WH-101/01-hello.md': lesson({}, '![图](/lesson-media/big.png)\n') },
      { '/lesson-media/big.png': 150 * 1024 },
      'lessons/SC-WH-101/01-hello.md:8: /lesson-media/big.png is 150 KB; at most 100 KB for phones',
    ],
    [
      'a course that does not exist',
      { 'lessons/SC-XX-999/01-hello.md': lesson({ course: 'SC-XX-999', code: 'SC-XX-999-01' }) },
      {},
      'lessons/SC-XX-999/01-hello.md:1: unknown course "SC-XX-999"',
    ],
    [
      'lessons in YAML and Markdown for one course',
      { 'lessons/SC-ZZ-101/01-soil.md': lesson({ course: 'SC-ZZ-101', code: 'SC-ZZ-101-09' }) },
      {},
      'lessons/SC-ZZ-101/01-soil.md:1: course SC-ZZ-101 also lists lessons in courses/a.yaml',
    ],
    [
      'a lesson code used in YAML too',
      { 'lessons/SC-WH-101/01-hello.md': lesson({ code: 'SC-ZZ-101-01' }) },
      {},
      'courses/a.yaml: courses[1].lessons[0].code: duplicate lesson code "SC-ZZ-101-01" (also in lessons/SC-WH-101/01-hello.md)',
    ],
    ['a badly named file', { 'lessons/SC-WH-101/hello.md': lesson() }, {}, 'lessons/SC-WH-101/hello.md: unknown file'],
    [
      'missing minutes',
      { 'lessons/SC-WH-101/01-hello.md': lesson().replace('minutes: 15\n', '') },
      {},
      'lessons/SC-WH-101/01-hello.md:1: front matter "minutes" is required',
    ],
  ])('%s', (_name, files, media, expected) => {
    const found = problems(files, media)
    expect(
      found.some((i) => i.startsWith(expected)),
      found.join('\n'),
    ).toBe(true)
  })
})

describe('round programmes (sessions)', () => {
  const TT = `
courses:
  - code: TT-XX-201
    program: teacher-training
    name: 信息技术与课堂教学融合
    credits: 0
    kind: culture
    lessons:
      - { code: TT-XX-201-01, title: 平台, nominalMinutes: 90, paragraphs: [正文] }
`
  const template = (sessions: string) => `
templates:
  - code: XKB
    name: 新课标与课堂教学
    requiredHours: 10
    days: 90
    sessions:
${sessions}`
  const f2f = '      - { title: 开班, kind: face-to-face, hours: 8, description: 讲座 }\n'
  const online = (hours: number, course = 'TT-XX-201') => `      - { title: 线上, kind: online, hours: ${hours}, course: ${course}, description: 自学 }\n`

  test('sessions that add up to the required 学时 are kept', () => {
    const catalog = parseCatalog(minimal({ 'courses/tt.yaml': TT, 'round-templates.yaml': template(f2f + online(2)) }))
    expect(catalog.templates[0]!.sessions!.map((s) => [s.kind, s.hours])).toEqual([
      ['face-to-face', 8],
      ['online', 2],
    ])
  })

  test.each([
    ['not adding up', f2f + online(1), 'round-templates.yaml: templates[0].sessions: add up to 9 学时, but requiredHours is 10'],
    [
      'an online module longer than its lessons',
      '      - { title: 开班, kind: face-to-face, hours: 7, description: 讲座 }\n' + online(3),
      "round-templates.yaml: templates[0].sessions[1].course: TT-XX-201's lessons add up to 2.0 学时, less than the module's 3",
    ],
    [
      'an online module without a course',
      f2f + '      - { title: 线上, kind: online, hours: 2, description: 自学 }\n',
      'round-templates.yaml: templates[0].sessions[1].course: an online module names its course',
    ],
    ['an unknown course', f2f + online(2, 'TT-NO-1'), 'round-templates.yaml: templates[0].sessions[1].course: unknown course "TT-NO-1"'],
  ])('%s', (_name, sessions, expected) => {
    const found = issuesOf(minimal({ 'courses/tt.yaml': TT, 'round-templates.yaml': template(sessions) }))
    expect(
      found.some((i) => i.startsWith(expected)),
      found.join('\n'),
    ).toBe(true)
  })
})
