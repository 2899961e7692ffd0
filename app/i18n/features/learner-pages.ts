/** Strings of the learner's and teacher's own pages (issue 13): 学时档案 groups, certificates, page titles. */
export const learnerPagesZh = {
  'records.cycleEndedMet': '已结束，已达标',
  'records.cycleEndedMissed': '已结束，未达标',
  'records.cycleEntries': '{cycle} 周期的记录',
  'records.byYear': '按年份的记录',
  'records.yearSummary': '{year}年 · {count} 条',
  'exemptions.choose': '请选择',
  'certificates.me.back': '返回首页',
  'certificates.me.noneTitle': '您还没有证书',
  'certificates.me.howTitle': '怎样拿到证书',
  'certificates.me.how.graduation': '学时学够、所有课程考试合格、品德评价合格：发{type}。',
  'certificates.me.how.completion': '学习期限到了，但学时还没学够：发{type}。',
  'certificates.me.how.study_record': '中途不学了（退学）：发{type}，写明您学过哪些课、记了多少学时。',
  'certificates.me.how.training': '参训教师学完培训项目要求的学时：发{type}。',
  'certificates.me.how.progress': '看看还差什么',
  'certificates.me.earlyTitle': '可以提前毕业吗？',
  'certificates.me.earlyText':
    '可以。不用等学习期限到，只要学时学够、所有课程考试合格、品德评价合格，就能在“我的课程”页申请提前毕业，培训管理员审核后发毕业证书。',
  'certificates.me.earlyLink': '去“我的课程”看看',
} as const

export const learnerPagesEn: Record<keyof typeof learnerPagesZh, string> = {
  'records.cycleEndedMet': 'Ended, reached',
  'records.cycleEndedMissed': 'Ended, not reached',
  'records.cycleEntries': 'Entries of the {cycle} cycle',
  'records.byYear': 'Entries by year',
  'records.yearSummary': '{year} · {count} entries',
  'exemptions.choose': 'Please choose',
  'certificates.me.back': 'Back to home',
  'certificates.me.noneTitle': 'You have no certificates yet',
  'certificates.me.howTitle': 'How to get a certificate',
  'certificates.me.how.graduation': 'Enough hours, every course passed and the conduct evaluation passed: a {type}.',
  'certificates.me.how.completion': 'The study period is over but the hours are not enough: a {type}.',
  'certificates.me.how.study_record': 'You stopped studying (withdrew): a {type} listing the courses and hours you did.',
  'certificates.me.how.training': 'Teachers who finish the hours of a training round: a {type}.',
  'certificates.me.how.progress': 'See what is still missing',
  'certificates.me.earlyTitle': 'Can I graduate early?',
  'certificates.me.earlyText':
    'Yes. You need not wait for the end of the study period: once you have the hours, every course passed and the conduct evaluation passed, apply on the “My courses” page; after the coordinator’s review you get the graduation certificate.',
  'certificates.me.earlyLink': 'Go to “My courses”',
}
