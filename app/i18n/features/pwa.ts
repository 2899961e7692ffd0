/** Messages of one feature (PWA: self-study logged offline, issue 13); spread into the zh-CN and en catalogs. */
export const pwaZh = {
  'pwa.queued': '已保存在手机上，联网后自动提交',
  'pwa.queuedPhoto': '没有网络时不能传照片：这条记录先不带照片保存。',
  'pwa.waiting': '等待联网（{count} 条）',
  'pwa.waitingTag': '等待联网',
  'pwa.sent': '联网了：{count} 条离线记录已提交，等待审核。',
  'pwa.refused': '有 {count} 条离线记录没有被接受（日期或时长不对），请重新记一次。',
}

export const pwaEn: Record<keyof typeof pwaZh, string> = {
  'pwa.queued': 'Saved on this phone; it is sent by itself once you are online',
  'pwa.queuedPhoto': 'Photos cannot be sent offline: this log is saved without its photo.',
  'pwa.waiting': 'Waiting for the network ({count})',
  'pwa.waitingTag': 'Waiting for the network',
  'pwa.sent': 'Back online: {count} offline log(s) sent, waiting for review.',
  'pwa.refused': '{count} offline log(s) were not accepted (date or duration not right); please log them again.',
}
