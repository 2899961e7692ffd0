/**
 * The API's Chinese error messages (api-v1.md: `message` is Chinese). The
 * API answers machines and the people who read their logs; it has no
 * locale switch, so these are not in the UI catalogs.
 */
export const API_MESSAGES = {
  unauthenticated: '未登录或登录已过期：请在 Authorization 头中携带有效的 Bearer 令牌',
  invalidCredentials: '用户名或密码错误',
  rateLimited: '尝试次数过多，请 {seconds} 秒后再试',
  mustChangePassword: '该账号须先在网页上修改初始密码，才能使用接口',
  forbidden: '没有权限执行此操作',
  notFound: '找不到该资源',
  noSuchEndpoint: '没有这个接口：{method} {path}',
  methodNotAllowed: '该接口不支持 {method} 请求',
  validationFailed: '提交的数据有误，请检查各字段',
  invalidJson: '请求正文不是有效的 JSON',
  nulCharacter: '不能包含空字符（U+0000）',
  bodyTooLarge: '请求正文过大（最多 {kb} KB）',
  required: '必须填写',
  isoDate: '日期格式应为 YYYY-MM-DD，且是真实存在的日期',
  minutesInteger: '分钟数必须是整数',
  minutesNonZero: '分钟数不能为 0；负数表示更正',
  minutesRange: '一条记录最多 {max} 分钟（一天）',
  category: '类别应为 concentrated、online、self_study、practical 或 school_based 之一',
  reasonRequired: '必须填写原因（调整和更正都要写明原因）',
  reasonTooLong: '原因最多 {max} 个字',
  internal: '服务器内部错误，请稍后再试',
  idempotencyKeyFormat: 'Idempotency-Key 应为 1 到 100 个可见的 ASCII 字符',
  exemptionAlreadyApproved: '该申请已审核为通过，不能再改为不通过',
  exemptionAlreadyRejected: '该申请已审核为不通过，不能再改为通过',
  jsonOnly: '请求正文须为 JSON（Content-Type: application/json; charset=utf-8）',
  idempotencyKeyReused: '这个 Idempotency-Key 已用于另一个请求：重试时请求须完全相同，新的请求请换一个新的 Idempotency-Key',
  idempotencyKeyRunning: '使用这个 Idempotency-Key 的第一个请求仍在处理中，请稍后再试',
  apiRateLimited: '请求过于频繁，请 {seconds} 秒后再试',
  staffOnly: '只有工作人员（协调员、教育局、管理员）可以查看',
  cursorInvalid: '分页游标无效：请使用上一页返回的 nextCursor',
  earlyAlreadyApproved: '该提前毕业申请已审核为通过，不能再改为不通过',
  earlyAlreadyRejected: '该提前毕业申请已审核为不通过，不能再改为通过',
} as const

export type ApiMessageKey = keyof typeof API_MESSAGES

/** A message with its `{placeholders}` filled in. */
export function apiMessage(key: ApiMessageKey, values: Record<string, string | number> = {}): string {
  return API_MESSAGES[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m))
}
