import { z } from 'zod'
import type { T } from '#app/i18n/index.ts'
import { parseIdNumber } from './id-number.ts'
import { normalizePhone } from './names.ts'

/**
 * The person form, shared by the browser (Conform's instant checks) and the
 * server (the authority). Messages come from the caller's locale.
 */
export function personFormSchema(t: T, today: string) {
  return z.object({
    name: z
      .string({ error: t('person.nameRequired') })
      .trim()
      .min(2, t('person.nameRequired'))
      .max(30, t('person.nameRequired')),
    idNumber: z.string({ error: t('idNumber.empty') }).superRefine((value, ctx) => {
      const result = parseIdNumber(value, today)
      if (result.ok) return
      const p = result.problem
      const message =
        p.code === 'length'
          ? t('idNumber.length', { length: p.length })
          : p.code === 'birth_date'
            ? t('idNumber.birth_date', { birthDate: p.birthDate })
            : p.code === 'check_digit'
              ? t('idNumber.check_digit', { expected: p.expected })
              : t(`idNumber.${p.code}`)
      ctx.addIssue({ code: 'custom', message })
    }),
    phone: z
      .string()
      .optional()
      .refine((v) => !v || normalizePhone(v) !== null, t('person.phoneInvalid')),
    regionId: z.string({ error: t('person.regionRequired') }).min(1, t('person.regionRequired')),
    kind: z.enum(['adult_learner', 'teacher'], { error: t('person.kindRequired') }),
    priorEducation: z.enum(['none', 'primary', 'junior', 'senior', 'vocational']).optional(),
  })
}
