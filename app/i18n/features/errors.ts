/** Messages of the shared refusals (app/models/errors.server.ts); spread into the zh-CN and en catalogs. */
export const errorsZh = {
  'errors.forbidden': '您的账号没有进行此操作的权限。',
  'errors.notFound.enrollment': '没有找到这条学籍（报名）记录，或它不在您的管辖范围内。',
  'errors.notFound.person': '没有找到这位人员，或他/她不在您的管辖范围内。',
  'errors.notFound.group': '没有找到这个班级或培训项目，或它不在您的管辖范围内。',
  'errors.notFound.certificate': '没有找到这张证书，或它不在您的管辖范围内。',
  'errors.notFound.exemption': '没有找到这份免修免考申请，或它不在您的管辖范围内。',
  'errors.notFound.request': '没有找到这份申请。',
  'errors.notFound.session': '没有找到这次面授课，或它不在您的管辖范围内。',
  'errors.notFound.course': '没有找到这门课程。',
  'errors.notFound.task': '没有找到这项作业或实操。',
  'errors.notFound.record': '没有找到这条记录，或它不在您的管辖范围内。',
} as const

export const errorsEn: Record<keyof typeof errorsZh, string> = {
  'errors.forbidden': 'Your account may not do this.',
  'errors.notFound.enrollment': 'This enrollment was not found, or it is outside your jurisdiction.',
  'errors.notFound.person': 'This person was not found, or is outside your jurisdiction.',
  'errors.notFound.group': 'This class or round was not found, or it is outside your jurisdiction.',
  'errors.notFound.certificate': 'This certificate was not found, or it is outside your jurisdiction.',
  'errors.notFound.exemption': 'This exemption application was not found, or it is outside your jurisdiction.',
  'errors.notFound.request': 'This request was not found.',
  'errors.notFound.session': 'This session was not found, or it is outside your jurisdiction.',
  'errors.notFound.course': 'This course was not found.',
  'errors.notFound.task': 'This assignment or practical was not found.',
  'errors.notFound.record': 'This record was not found, or it is outside your jurisdiction.',
}
