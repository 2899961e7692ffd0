/**
 * Messages of the coordinator's tables that are cards on a phone (issue 15): the outcome board's
 * words for teacher-training rounds (合格 / 未合格, never 毕业 / 结业), its pages and actions, and
 * the roster's and queues' card labels. Spread into the zh-CN and en catalogs.
 */
export const coordinatorCardsZh = {
  // The board of a round: a round is passed (合格) or not (未合格); 毕业 / 结业 belong to the diploma classes.
  'coordinator.board.link.round': '合格情况',
  'coordinator.board.title.round': '{group}：合格情况',
  'coordinator.board.eligible.round': '合格',
  'coordinator.board.atRisk.round': '有未合格风险',
  'coordinator.board.riskTag.round': '有未合格风险',
  'coordinator.board.counts.round':
    '合格 {roundComplete} 人 · 未合格 {roundIncomplete} 人 · 进行中 {inProgress} 人 · 有未合格风险 {atRisk} 人 · 退出 {withdrawn} 人',
  'coordinator.board.open.round': '参训详情',
  'coordinator.board.openFor.round': '{name} 的参训详情',
  'coordinator.board.status.round.in_progress': '进行中',
  'coordinator.board.status.round.withdrawn': '已退出',
  'coordinator.board.status': '状态',
  'coordinator.board.missing': '还差什么',
  'coordinator.board.open': '学籍与证书',
  'coordinator.board.openFor': '{name} 的学籍与证书',
  // Pages of the board (30 a page)
  'coordinator.board.range': '第 {from}–{to} 人，共 {total} 人',
  'coordinator.board.pages': '分页',
  'coordinator.board.prev': '上一页',
  'coordinator.board.next': '下一页',
  'coordinator.board.pageOf': '第 {page} / {pages} 页',
  'coordinator.roster.onPace': '进度正常',
  'coordinator.roster.missing': '还差 {hours} 学时',
  // The attendance roster as cards
  'coordinator.roster.tickHint': '点学员的姓名（或那一行的任意位置）勾选，再点下面的按钮。',
} as const

export const coordinatorCardsEn: Record<keyof typeof coordinatorCardsZh, string> = {
  'coordinator.board.link.round': 'Pass / not passed',
  'coordinator.board.title.round': '{group}: who passed',
  'coordinator.board.eligible.round': 'Passed',
  'coordinator.board.atRisk.round': 'At risk of not passing',
  'coordinator.board.riskTag.round': 'At risk',
  'coordinator.board.counts.round':
    'Passed {roundComplete} · not passed {roundIncomplete} · in progress {inProgress} · at risk {atRisk} · withdrawn {withdrawn}',
  'coordinator.board.open.round': 'Details',
  'coordinator.board.openFor.round': "{name}'s training details",
  'coordinator.board.status.round.in_progress': 'In progress',
  'coordinator.board.status.round.withdrawn': 'Withdrawn',
  'coordinator.board.status': 'Status',
  'coordinator.board.missing': 'Still missing',
  'coordinator.board.open': 'Enrollment and certificates',
  'coordinator.board.openFor': "{name}'s enrollment and certificates",
  'coordinator.board.range': '{from}–{to} of {total}',
  'coordinator.board.pages': 'Pages',
  'coordinator.board.prev': 'Previous',
  'coordinator.board.next': 'Next',
  'coordinator.board.pageOf': 'Page {page} of {pages}',
  'coordinator.roster.onPace': 'On pace',
  'coordinator.roster.missing': '{hours} hours to go',
  'coordinator.roster.tickHint': 'Tap a name (or anywhere on its row) to tick it, then the button below.',
}
