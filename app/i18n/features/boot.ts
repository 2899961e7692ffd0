/**
 * The strings a page needs before the root loader's catalog is there (the
 * error page when the root loader itself failed): the only messages bundled
 * into the browser's JavaScript. Everything else comes with the root loader
 * (app/i18n/audiences.ts), so a learner's page carries no staff strings.
 */
export const bootZh = {
  'app.name': '乡学',
  'nav.skip': '跳到正文',
  'error.forbidden.title': '无权访问',
  'error.forbidden.body': '您的账号没有查看此页面的权限。',
  'error.notFound.title': '找不到页面',
  'error.notFound.body': '您要找的内容不存在，或不在您的管辖范围内。',
  'error.generic.title': '出错了',
  'error.generic.body': '页面出现问题，请稍后再试。已填写的内容没有提交。',
  'error.backHome': '返回首页',
}

export const bootEn: Record<keyof typeof bootZh, string> = {
  'app.name': 'XiangXue',
  'nav.skip': 'Skip to content',
  'error.forbidden.title': 'Not allowed',
  'error.forbidden.body': 'Your account may not open this page.',
  'error.notFound.title': 'Not found',
  'error.notFound.body': 'This does not exist or lies outside your scope.',
  'error.generic.title': 'Something went wrong',
  'error.generic.body': 'Please try again later. Nothing you entered was submitted.',
  'error.backHome': 'Back to home',
}
