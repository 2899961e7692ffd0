import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { beijingDate } from '#app/domain/time.ts'
import { issueCertificate, revokeCertificate } from '#app/models/certificates.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { loadProgress } from '#app/models/progress.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

/** A teacher of the seeded round CH2026-XCJS with its 40 学时 done, and their 培训合格证书 (valid at once). */
async function trainingCertificate(db: Db) {
  const { person, enrollment } = await personInSeededGroup({ groupCode: 'CH2026-XCJS', kind: 'teacher' })
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'concentrated',
      minutes: 40 * 45,
      date: '2026-10-10',
      source: 'transfer',
      reason: 'e2e 补录',
      createdById: null,
    }),
  )
  const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: null })
  return { person, certificate }
}

/** A seeded learner of CH2024-CY01 who may graduate and has no certificate yet, with a new graduation certificate (pending). */
async function graduationCertificate(db: Db) {
  const enrollments = await db.enrollment.findMany({ where: { group: { code: 'CH2024-CY01' }, status: 'active' }, select: { id: true } })
  const progress = await loadProgress(
    db,
    enrollments.map((e) => e.id),
    beijingDate(new Date()),
  )
  // Eligible now: the period is over, or early graduation was approved.
  const eligible = [...progress.values()].find(
    (p) => p.outcome.status === 'eligible_for_graduation' && (p.outcome.earlyGraduation === 'not_applicable' || p.outcome.earlyGraduation === 'approved'),
  )
  if (!eligible) throw new Error('no seeded learner eligible for graduation in CH2024-CY01')
  const { certificate } = await issueCertificate(db, { enrollmentId: eligible.enrollment.id, type: 'graduation', actorId: null })
  const person = await db.person.findUniqueOrThrow({ where: { id: eligible.enrollment.personId } })
  return { person, certificate }
}

const masked = (name: string) => (name.length === 2 ? `${name[0]}*` : `${name[0]}${'*'.repeat(name.length - 2)}${name.at(-1)}`)

test('the public verification page on a phone: valid, awaiting verification, revoked, unknown', async ({ page, db }) => {
  const valid = await trainingCertificate(db)
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto(`/v/${valid.certificate.verificationCode}`)
  await expect(page.getByRole('heading', { name: '证书查验' })).toBeVisible()
  await expect(page.getByTestId('cert-status')).toHaveText('有效')
  await expect(page.getByRole('heading', { name: '培训合格证书' })).toBeVisible()
  await expect(page.getByTestId('cert-holder')).toHaveText(masked(valid.person.name))
  await expect(page.getByText('40.0 学时')).toBeVisible()
  await expect(page.getByText(valid.certificate.serial)).toBeVisible()
  const [y, m, d] = beijingDate(new Date()).split('-').map(Number)
  await expect(page.getByText(`${y}年${m}月${d}日`)).toBeVisible()
  await expect(page.locator('body')).not.toContainText(valid.person.idMasked)
  await expect(page.locator('body')).not.toContainText(valid.person.name)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

  const pending = await graduationCertificate(db)
  await page.goto(`/v/${pending.certificate.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toHaveText('待州教育局验印')
  await expect(page.getByRole('heading', { name: '毕业证书' })).toBeVisible()
  await expect(page.getByTestId('cert-holder')).toHaveText(masked(pending.person.name))

  const revoked = await trainingCertificate(db)
  await revokeCertificate(db, { serial: revoked.certificate.serial, reason: '学时记录有误', actorId: null })
  await page.goto(`/v/${revoked.certificate.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toHaveText(`已撤销（${y}年${m}月${d}日）`)

  const unknown = await page.goto('/v/aaaaaaaaaaaaaaaaaaaa')
  expect(unknown?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: '没有这张证书' })).toBeVisible()
  await expect(page.getByTestId('cert-status')).toHaveCount(0)
})

test('a prefecture bureau user verifies a graduation certificate and the public page says valid @desktop', async ({ page, db, makeUser }) => {
  const { certificate } = await graduationCertificate(db)
  const bureau = await makeUser({ role: 'bureau', scopeRegionCode: '5223', canVerifyGraduation: true })
  await page.goto(`/v/${certificate.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toHaveText('待州教育局验印')

  await signIn(page, bureau.username, bureau.password)
  await page.getByRole('link', { name: '毕业证书验印' }).click()
  await expect(page.getByRole('heading', { name: '毕业证书验印' })).toBeVisible()
  await page.getByRole('checkbox', { name: certificate.serial }).check()
  await page.getByRole('button', { name: '验印' }).click()
  await expect(page.getByRole('status')).toContainText('已验印 1 张。')
  await expect(page.getByRole('checkbox', { name: certificate.serial })).toHaveCount(0)

  await page.goto(`/v/${certificate.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toHaveText('有效')
})

test('a coordinator issues a training certificate from the record of study and revokes it with a reason, JavaScript off @desktop', async ({
  browser,
  db,
  makeUser,
}) => {
  const { enrollment } = await personInSeededGroup({ groupCode: 'CH2026-XCJS', kind: 'teacher' })
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'concentrated',
      minutes: 40 * 45,
      date: '2026-10-10',
      source: 'transfer',
      reason: 'e2e 补录',
      createdById: null,
    }),
  )
  const coordinator = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signIn(page, coordinator.username, coordinator.password)
  await page.goto(`/coordinator/enrollments/${enrollment.id}`)
  await page.getByRole('link', { name: '颁发证书' }).click()
  await page.getByRole('button', { name: '颁发培训合格证书' }).click()
  await expect(page.getByRole('status')).toHaveText(/^已颁发，编号 522327-\d{4}-P-\d{6}。$/)
  await expect(page.getByRole('button', { name: '颁发培训合格证书' })).toHaveCount(0)
  const cert = await db.certificate.findUniqueOrThrow({ where: { enrollmentId_type: { enrollmentId: enrollment.id, type: 'training' } } })
  const card = page.getByTestId(`certificate-${cert.serial}`)
  await expect(card).toContainText('有效')
  const pdf = await page.request.get(`/certificates/${cert.serial}/pdf`)
  expect(pdf.status()).toBe(200)
  expect(pdf.headers()['content-type']).toBe('application/pdf')

  await card.getByLabel('撤销原因').fill('学时记录有误')
  await card.getByRole('button', { name: '撤销' }).click()
  await expect(page.getByRole('status')).toHaveText(`证书 ${cert.serial} 已撤销。`)
  await expect(page.getByTestId(`certificate-${cert.serial}`)).toContainText('已撤销')
  await page.goto(`/v/${cert.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toContainText('已撤销')
  await context.close()
})

test('a teacher downloads the PDF and the Open Badges credential from 我的证书 on the phone', async ({ page, db, makeUser }) => {
  const { person, certificate } = await trainingCertificate(db)
  const teacher = await makeUser({ role: 'teacher', personId: person.id })
  await signIn(page, teacher.username, teacher.password)
  await page.goto('/me/certificates')
  await expect(page.getByRole('heading', { name: '培训合格证书' })).toBeVisible()
  await expect(page.getByText(certificate.serial)).toBeVisible()
  const [badge] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载电子证书文件' }).click()])
  expect(badge.suggestedFilename()).toMatch(/\.jwt$/)
  const jwt = (await (await import('node:fs/promises')).readFile((await badge.path())!, 'utf8')).trim()
  expect(jwt.split('.')).toHaveLength(3)
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { type?: string[]; vc?: { type?: string[] } }
  expect(JSON.stringify(payload)).toContain('OpenBadgeCredential')
})

test('a learner without a certificate reads what earns one and what early graduation needs; the way back is a real button @phone', async ({
  page,
  makeUser,
}, testInfo) => {
  const { person } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  await signIn(page, learner.username, learner.password)
  await page.goto('/me/certificates')
  await expect(page).toHaveTitle(/^我的证书 · 乡学$/)
  const none = page.getByTestId('certificates-none')
  await expect(none.getByRole('heading', { name: '您还没有证书' })).toBeVisible()
  await expect(none).toContainText('学时学够、所有课程考试合格、品德评价合格：发毕业证书。')
  await expect(none).toContainText('学习期限到了，但学时还没学够：发结业证书。')
  await expect(none).toContainText('中途不学了（退学）：发写实性学习证明')
  const early = page.getByTestId('early-graduation')
  await expect(early.getByRole('heading', { name: '可以提前毕业吗？' })).toBeVisible()
  await expect(early).toContainText('不用等学习期限到')
  await expect(page.getByText(/Open Badges|电子钱包/)).toHaveCount(0)
  const back = page.getByRole('link', { name: '返回首页' })
  const box = (await back.boundingBox())!
  expect(box.height).toBeGreaterThanOrEqual(48)
  await page.screenshot({ path: testInfo.outputPath('learner-certificates-360.png'), fullPage: true })
  await early.getByRole('link', { name: '去“我的课程”看看' }).click()
  await expect(page).toHaveURL(/\/me\/courses$/)
  await page.goto('/me/certificates')
  await back.click()
  await expect(page).toHaveURL(/\/me$/)
})

test('the check page of a graduation certificate awaiting verification shows the school, the major and the not-yet-in-force warning @desktop', async ({
  page,
  db,
}) => {
  const { certificate } = await graduationCertificate(db)
  const snapshot = certificate.snapshot as unknown as CertificateSnapshot
  expect(snapshot.majorName).toBeTruthy()
  await page.goto(`/v/${certificate.verificationCode}`)
  await expect(page.getByTestId('cert-status')).toHaveText('待州教育局验印')
  await expect(page.getByTestId('cert-warning')).toHaveText('验印前本证书尚未生效：州教育局验印后才生效。')
  await expect(page.getByTestId('cert-school')).toHaveText(snapshot.organizationName)
  await expect(page.getByTestId('cert-major')).toHaveText(snapshot.majorName!)
  // The status is more than a colour: an icon beside the words.
  await expect(page.locator('.cert-status svg')).toHaveCount(1)
})
