import { makeIdNumber } from '#app/domain/id-number.ts'
import { expect, signIn, test } from './fixtures.ts'

test('a coordinator registers a person; a bad ID number and a duplicate are refused in Chinese', async ({ page, db, makeUser }) => {
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  const idNumber = makeIdNumber({ regionCode: '522327', birthDate: '1986-05-04', sequence: Math.floor(Math.random() * 900) + 10 })
  await db.person.deleteMany({ where: { name: '韦秀兰' } })
  await signIn(page, coord.username, coord.password)
  await page.getByRole('link', { name: '登记人员' }).click()
  await expect(page.getByRole('heading', { name: '登记人员' })).toBeVisible()

  await page.getByLabel('姓名', { exact: true }).fill('韦秀兰')
  await page.getByLabel('身份证号').fill(idNumber.slice(0, 17))
  await page.getByLabel('所属乡镇/街道').selectOption({ label: '者楼街道' })
  await page.getByLabel('人员类别').selectOption('adult_learner')
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('身份证号应为 18 位，您填写了 17 位。')).toBeVisible()

  await page.getByLabel('身份证号').fill(idNumber)
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByRole('heading', { name: '韦秀兰' })).toBeVisible()
  await expect(page.getByTestId('full-id-number')).toHaveText(idNumber)

  await page.goto('/coordinator/people/new')
  await page.getByLabel('姓名', { exact: true }).fill('韦秀兰')
  await page.getByLabel('身份证号').fill(idNumber)
  await page.getByLabel('所属乡镇/街道').selectOption({ label: '者楼街道' })
  await page.getByLabel('人员类别').selectOption('adult_learner')
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('该身份证号已登记，不能重复添加。请先搜索已有人员。')).toBeVisible()

  // In lists the number is masked.
  await page.goto(`/coordinator?q=${encodeURIComponent('韦秀兰')}`)
  await expect(page.getByText(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`)).toBeVisible()
  await expect(page.getByText(idNumber)).toHaveCount(0)
  await db.person.deleteMany({ where: { name: '韦秀兰' } })
})
