/** The public check page, the prefecture's queue and the coordinator's certificate pages (issue 15). */
export const certificateViewZh = {
  'certView.school': '发证学校',
  'certView.major': '专业',
  'certView.pendingWarning': '验印前本证书尚未生效：州教育局验印后才生效。',
  'certView.revokedWarning': '本证书已撤销，不再有效。',
  'certView.queue.check': '验印前核对',
  'certView.queue.pdf': '证书 PDF',
  'certView.queue.evidence': '免修免考证明：{course}',
  'certView.previewHint': '先看一看各类证书的样子（示例数据）：',
  'certView.resultsLocked': '已发证书（{serials}），以下成绩只读；如需更改，须先撤销证书。',
} as const

export const certificateViewEn: Record<keyof typeof certificateViewZh, string> = {
  'certView.school': 'Issuing school',
  'certView.major': 'Major',
  'certView.pendingWarning': 'Not yet in force before verification: it takes effect once the prefecture bureau verifies it.',
  'certView.revokedWarning': 'This certificate has been revoked and is no longer valid.',
  'certView.queue.check': 'Check before verifying',
  'certView.queue.pdf': 'Certificate PDF',
  'certView.queue.evidence': 'Exemption evidence: {course}',
  'certView.previewHint': 'See what each certificate looks like (sample data):',
  'certView.resultsLocked': 'A certificate has been issued ({serials}): the results below are read-only; revoke it first to change them.',
} as const
