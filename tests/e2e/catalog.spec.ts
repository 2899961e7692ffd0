import { newId } from '#app/utils/ids.server.ts'
import { expect, signIn, test } from './fixtures.ts'

test('@desktop a county coordinator creates a class, then edits it from the class page; a content course says the file wins', async ({
  page,
  db,
  makeUser,
}) => {
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  const code = `E2E-${newId().slice(0, 6).toUpperCase()}`
  await signIn(page, coord.username, coord.password)
  await page.getByRole('link', { name: '新建班级或培训项目' }).click()
  await expect(page.getByRole('heading', { name: '新建班级' })).toBeVisible()

  await page.getByLabel('编号').fill(code)
  await page.getByLabel('名称').fill('2027级刺绣班（纳福）')
  await page.getByLabel('所属地区').selectOption({ label: '\u3000纳福街道（522327003）' })
  await page.getByLabel('开始日期').fill('2027-03-01')
  await page.getByRole('button', { name: '创建' }).click()
  await expect(page.getByText('班级必须选择专业')).toBeVisible()
  await page.getByLabel('专业').selectOption({ label: '刺绣' })
  await page.getByRole('button', { name: '创建' }).click()

  await expect(page.getByRole('heading', { name: '2027级刺绣班（纳福）' })).toBeVisible()
  await page.getByRole('link', { name: '修改信息', exact: true }).click()
  await page.getByLabel('名称').fill('2027级刺绣班（纳福一班）')
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByRole('heading', { name: '2027级刺绣班（纳福一班）' })).toBeVisible()
  expect(await db.group.findUniqueOrThrow({ where: { code }, include: { major: true } })).toMatchObject({
    name: '2027级刺绣班（纳福一班）',
    major: { name: '刺绣' },
  })

  await page.goto('/coordinator/courses?program=skills-credential')
  await page.getByRole('link', { name: '种植技术基础' }).click()
  await expect(page.getByTestId('content-wins')).toContainText('content/catalog/courses/planting.yaml')
  await expect(page.getByRole('form', { name: 'SC-ZZ-101-T2' }).getByLabel('名称')).toHaveValue('实操：玉米播种与间苗')
})

test('@desktop a round starts from a template without JavaScript', async ({ browser, makeUser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  await signIn(page, coord.username, coord.password)
  await page.goto('/coordinator/groups/new?kind=round')
  await page.getByLabel('从模板开始').selectOption('XZLD')
  await page.getByRole('button', { name: '使用此模板' }).click()
  await expect(page.getByLabel('要求学时')).toHaveValue('40')
  await expect(page.getByLabel('名称')).toHaveValue(/年乡村校长领导力培训$/)
  await context.close()
})
