import '#app/i18n/locale.server.ts' // registers the English catalog
import { expect, test } from 'vitest'
import { en } from './en.ts'
import { translate } from './index.ts'
import { zhCN } from './zh-CN.ts'

test('every Chinese message has an English counterpart with the same placeholders', () => {
  for (const [key, zh] of Object.entries(zhCN)) {
    const english = en[key as keyof typeof en]
    expect(english, key).toBeTruthy()
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    expect(names(english), key).toEqual(names(zh))
  }
})

test('placeholders are filled and Chinese is the default wording', () => {
  expect(translate('zh-CN', 'login.locked', { seconds: 4 })).toBe('尝试次数过多，请 4 秒后再试（正确的密码也需等待）。')
  expect(translate('en', 'idNumber.length', { length: 17 })).toContain('you entered 17')
})

test('every scheduled job says what it does on the admin queue page, in both languages', async () => {
  const { REMINDER_SCHEDULES } = await import('#app/jobs/reminders.ts')
  for (const s of REMINDER_SCHEDULES) {
    const key = `queues.job.${s.name}` as keyof typeof zhCN
    expect(zhCN[key], key).toMatch(/\p{Script=Han}/u)
    expect(en[key as keyof typeof en], key).toBeTruthy()
  }
})
