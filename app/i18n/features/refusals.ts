/**
 * Refusals of the hour ledger, people, early graduation and certificates that the models give
 * (each model error's `describe(t)`), said the same way by the pages and the API.
 */
export const refusalsZh = {
  /** The catalog's own locale, for refusals that format dates. */
  'refusal.locale': 'zh-CN',
  'refusal.checkFields': '提交的数据有误，请检查各字段',
  'ledger.error.minutes': '学时分钟数必须是不为 0 的整数',
  'ledger.error.date': '日期格式应为 YYYY-MM-DD',
  'ledger.error.reasonRequired': '更正或调整学时必须填写原因',
  'ledger.error.negativeOnlyAdjustment': '只有调整记录可以是负数学时',
  'ledger.error.outsidePeriod': '日期不在学习期内（{start} 至 {end}）',
  'ledger.error.futureDate': '日期不能晚于今天（北京时间 {today}）',
  'ledger.error.entryNotFound': '要更正的学时记录不存在',
  'ledger.error.alreadyCorrected': '这条记录已经全部更正过了',
  'ledger.error.exceedsRemaining': '更正不能超过原记录剩余的 {remaining} 分钟',
  'ledger.error.keyReused': '该 Idempotency-Key 已用于内容不同的另一条记录',
  'ledger.error.externalIdReused': '该 externalId 已用于本学籍内容不同的另一条记录（同一天的同一条学习只能同步一次）',
  'person.error.regionNotAllowed': '找不到该地区，或不在您的管辖范围内（须为乡镇/街道或村）',
  'person.error.schoolNotFound': '在您的管辖范围内找不到这所学校',
  'study.error.early_rejected': '提前毕业申请已被驳回，不能再次申请；修业期满后即可毕业。',
  'outcomes.earlyRejectedFinal': '您的提前毕业申请已被驳回，不能再次申请；修业期满后即可毕业。',
  'exemptions.err.keyReused': '该 Idempotency-Key 已用于另一份申请',
  'certificates.error.notPending': '{serial} 不是待验印的毕业证书',
} as const

export const refusalsEn: Record<keyof typeof refusalsZh, string> = {
  'refusal.locale': 'en',
  'refusal.checkFields': 'Some fields are not right; check each of them.',
  'ledger.error.minutes': 'Minutes must be a whole number other than 0.',
  'ledger.error.date': 'Dates are YYYY-MM-DD.',
  'ledger.error.reasonRequired': 'A correction or adjustment of hours needs a reason.',
  'ledger.error.negativeOnlyAdjustment': 'Only an adjustment may have negative minutes.',
  'ledger.error.outsidePeriod': 'The date is outside the study period ({start} to {end}).',
  'ledger.error.futureDate': 'The date cannot be after today ({today}, Beijing time).',
  'ledger.error.entryNotFound': 'The hour entry to correct does not exist.',
  'ledger.error.alreadyCorrected': 'This entry has already been corrected in full.',
  'ledger.error.exceedsRemaining': 'A correction cannot exceed the {remaining} minutes left on the entry.',
  'ledger.error.keyReused': 'This Idempotency-Key was already used for a different entry.',
  'ledger.error.externalIdReused': 'This externalId is already used by a different entry of this enrollment (one day of study is synced once).',
  'person.error.regionNotAllowed': 'No such region in your jurisdiction (a township, subdistrict or village).',
  'person.error.schoolNotFound': 'No school of this name in your jurisdiction.',
  'study.error.early_rejected': 'The early-graduation application was refused and cannot be sent again; the learner graduates when the period ends.',
  'outcomes.earlyRejectedFinal': 'Your early-graduation application was refused and cannot be sent again; you graduate when the period ends.',
  'exemptions.err.keyReused': 'This Idempotency-Key was already used for another application.',
  'certificates.error.notPending': '{serial} is not a graduation certificate awaiting verification.',
}
