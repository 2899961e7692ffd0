import { bootZh } from './features/boot.ts'
import { bureauStatsZh } from './features/bureau-stats.ts'
import { certificateBatchesZh } from './features/certificate-batches.ts'
import { refusalsZh } from './features/refusals.ts'
import { certificatesZh } from './features/certificates.ts'
import { householdExportZh } from './features/household-export.ts'
import { rosterImportZh } from './features/roster-import.ts'
import { catalogZh } from './features/catalog.ts'
import { outcomesZh } from './features/outcomes.ts'
import { enrollmentZh } from './features/enrollment.ts'
import { exemptionsZh } from './features/exemptions.ts'
import { attendanceZh } from './features/attendance.ts'
import { checkoutZh } from './features/checkout.ts'
import { learnerPagesZh } from './features/learner-pages.ts'
import { onlineZh } from './features/online.ts'
import { progressZh } from './features/progress.ts'
import { pwaZh } from './features/pwa.ts'
import { recordsZh } from './features/records.ts'
import { errorsZh } from './features/errors.ts'
import { accountsZh } from './features/accounts.ts'
import { roundsZh } from './features/rounds.ts'
import { signInCardsZh } from './features/sign-in-cards.ts'
import { apiTokensZh } from './features/api-tokens.ts'
import { lessonEditorZh } from './features/lesson-editor.ts'
import { notificationsZh } from './features/notifications.ts'
import { coordinatorHomeZh } from './features/coordinator-home.ts'
import { auditLogZh } from './features/audit-log.ts'
import { coordinatorCardsZh } from './features/coordinator-cards.ts'
import { learnerHomeZh } from './features/learner-home.ts'
import { adminZh } from './features/admin.ts'
import { certificateViewZh } from './features/certificate-view.ts'
/** Simplified Chinese: the default locale. Every user-facing string lives here. */
export const zhCN = {
  ...bootZh,
  'app.tagline': '县域教师培训与职业技能学历双提升平台',
  'nav.home': '首页',
  'nav.signOut': '退出登录',
  'nav.signOutEverywhere': '退出所有设备',
  'nav.signOutEverywhereHint': '手机丢失或在别人的电脑上登录过？退出所有设备上的登录。',
  'nav.audit': '审计日志',
  'nav.verification': '毕业证书验印',
  // A page's error boundary has no loader data, so its words are in a core namespace (app/routes/me_.self-study.tsx).
  'error.sendLost.title': '网络断了，没有提交上',
  'error.sendLost.body': '这条记录已经保存在手机上，不会丢。有网的时候打开“记录自学”，它会自动提交。',
  'error.sendLost.back': '回到记录自学',
  'error.sendLost.photo': '照片没能存在手机上：这条记录会先不带照片提交。',
  'nav.password': '修改密码',
  'locale.switch': 'English',
  'locale.label': '语言',

  'role.learner': '学员',
  'role.teacher': '参训教师',
  'role.coordinator': '培训管理员',
  'role.bureau': '教育局',
  'role.admin': '系统管理员',

  'login.title': '登录',
  'login.identifier': '用户名或手机号',
  'login.password': '密码',
  'login.submit': '登录',
  'login.invalid': '用户名或密码不正确。',
  'login.locked': '尝试次数过多，请 {seconds} 秒后再试（正确的密码也需等待）。',
  'login.lockedMinutes': '尝试次数过多，请 {minutes} 分钟后再试（正确的密码也需等待）。',
  'login.required': '请填写用户名或手机号和密码。',
  'login.signedOut': '您已安全退出。',
  'login.expired': '登录已过期，请重新登录。',

  'password.title': '修改密码',
  'password.mustChange': '首次登录，请设置您自己的新密码。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.confirm': '再次输入新密码',
  'password.submit': '保存新密码',
  'password.required': '请把三项都填写完整。',
  'password.wrongCurrent': '当前密码不正确。',
  'password.mismatch': '两次输入的新密码不一致。',
  'password.too_short': '密码至少需要 8 个字符。',
  'password.too_long': '密码不能超过 128 个字符。',
  'password.common': '这个密码太常见，容易被猜到，请换一个。',
  'password.same': '新密码不能与当前密码相同。',
  'password.changed': '密码已修改，其他设备上的登录已退出。',
  'password.hint': '8 到 128 个字符，可以是一句话；不要求大小写或符号。',

  'error.csrf': '请求来源不被允许，请从乡学页面重新提交。',
  'error.bodyTooLarge': '请求内容过大（最多 {kb} KB），没有被处理。',
  'error.nulCharacter': '提交的内容里有空字符（U+0000），没有被处理。请删掉它再试一次。',

  'idNumber.empty': '请填写身份证号。',
  'idNumber.length': '身份证号应为 18 位，您填写了 {length} 位。',
  'idNumber.format': '身份证号前 17 位须为数字，最后一位为数字或 X。',
  'idNumber.region': '身份证号前两位不是有效的省级行政区划代码。',
  'idNumber.birth_date': '身份证号中的出生日期 {birthDate} 不存在或不合理。',
  'idNumber.check_digit': '身份证号校验位不正确（最后一位应为 {expected}），请核对是否输错。',
  'idNumber.duplicate': '该身份证号已登记，不能重复添加。请先搜索已有人员。',

  'person.name': '姓名',
  'person.idNumber': '身份证号',
  'person.phone': '手机号',
  'person.region': '所属乡镇/街道',
  'person.kind': '人员类别',
  'person.kind.adult_learner': '成人学员',
  'person.kind.teacher': '教师',
  'person.priorEducation': '原有学历',
  'person.priorEducation.none': '未上过学',
  'person.priorEducation.primary': '小学',
  'person.priorEducation.junior': '初中',
  'person.priorEducation.senior': '高中',
  'person.priorEducation.vocational': '中职',
  'person.gender': '性别',
  'person.gender.male': '男',
  'person.gender.female': '女',
  'person.birthDate': '出生日期',
  'person.organization': '单位/学校',
  'person.account': '登录账号',
  'person.noAccount': '未开通',
  'person.enrollments': '参加的班级与培训',
  'person.new': '登记人员',
  'person.create': '保存',
  'person.created': '已登记：{name}',
  'person.nameRequired': '请填写姓名（2 到 30 个字）。',
  'person.phoneInvalid': '手机号应为 11 位，以 1 开头。',
  'person.regionRequired': '请选择所属乡镇/街道。',
  'person.kindRequired': '请选择人员类别。',
  'person.fullIdNote': '完整身份证号仅在此页向培训管理员显示，查看已记录在审计日志中。',

  'coordinator.title': '培训管理',
  'coordinator.people': '人员',
  'coordinator.groups': '班级与培训项目',
  'coordinator.search': '搜索姓名或手机号',
  'coordinator.searchSubmit': '搜索',
  'coordinator.noPeople': '没有找到符合条件的人员。',
  'coordinator.peopleCount': '共 {count} 人',
  'coordinator.scope': '管辖范围：{scope}',

  'group.code': '编号',
  'group.name': '名称',
  'group.program': '项目',
  'group.kind.class': '班级',
  'group.kind.round': '培训项目',
  'group.major': '专业',
  'group.region': '地区',
  'group.start': '开始日期',
  'group.end': '结束日期',
  'group.enrolled': '在读/参训人数',

  'program.skills-credential': '职业技能学历双提升',
  'program.teacher-training': '教师培训',

  'enrollment.status.active': '在读',
  'enrollment.status.withdrawn': '已退学',
  'enrollment.status.graduated': '已毕业',
  'enrollment.status.completed': '已结业',
  'enrollment.period': '学习期限：{start} 至 {end}',
  'enrollment.studyYears': '{years} 年制',

  'me.title': '我的学习',
  'me.greeting': '{name}，您好',
  'me.none': '您还没有参加任何班级或培训。请联系培训管理员。',
  'me.round': '培训项目',
  'me.class': '班级',

  'bureau.title': '教育局概况',
  'bureau.scope': '统计范围：{scope}',
  'bureau.learners': '成人学员',
  'bureau.teachers': '教师',
  'bureau.classes': '班级',
  'bureau.rounds': '培训项目',
  'bureau.activeEnrollments': '在读/参训人次',
  'bureau.byTownship': '各乡镇/街道',
  'bureau.township': '乡镇/街道',

  'admin.title': '系统管理',
  'admin.users': '用户',
  'admin.regions': '行政区划',
  'admin.newUser': '新建用户',
  'admin.username': '用户名',
  'admin.displayName': '显示名称',
  'admin.role': '角色',
  'admin.scope': '管辖范围',
  'admin.scopeAll': '全部',
  'admin.scopeNone': '无（未设置管辖范围，请联系系统管理员）',
  'admin.canVerifyGraduation': '可验印毕业证书（州教育局）',
  'admin.create': '创建用户',
  'admin.created': '已创建用户 {username}。初始密码：{password}（请当面或电话告知本人，首次登录须修改）。',
  'admin.usernameInvalid': '用户名为 3 到 32 位小写字母、数字、点或下划线。',
  'admin.usernameTaken': '用户名 {username} 已被使用。',
  'admin.scopeRequired': '请选择管辖范围。',
  'admin.disabled': '已停用',
  'admin.enabled': '正常',
  'admin.disable': '停用',
  'admin.enable': '启用',
  'admin.resetPassword': '重置密码',
  'admin.passwordReset': '已重置 {username} 的密码：{password}（首次登录须修改）。该用户的所有登录已退出。',
  'admin.saveRole': '保存角色与范围',
  'admin.roleSaved': '已更新角色与范围，该用户的所有登录已退出。',
  'admin.userStatusChanged': '已更新账号状态。',
  'admin.level.province': '省',
  'admin.level.prefecture': '州/市',
  'admin.level.county': '县',
  'admin.level.township': '乡镇/街道',
  'admin.level.village': '村/学校',
  'admin.code': '代码',
  'admin.level': '级别',
  'admin.actions': '操作',
  'admin.status': '状态',

  'audit.title': '审计日志',
  'audit.at': '时间',
  'audit.actor': '操作人',
  'audit.action': '操作',
  'audit.entity': '对象',
  'audit.ip': 'IP 地址',
  'audit.details': '变更内容',
  'audit.readOnly': '审计日志只读，保存至少 6 个月。',
  'audit.none': '暂无记录。',

  'common.save': '保存',
  'common.cancel': '取消',
  'common.back': '返回',
  'common.view': '查看',
  'common.none': '无',
  'common.required': '必填',
  'common.optional': '选填',
  'common.prev': '上一页',
  'common.next': '下一页',
  'common.hours': '{hours} 学时',
  ...attendanceZh,
  ...checkoutZh,
  ...learnerPagesZh,
  ...onlineZh,
  ...progressZh,
  ...pwaZh,
  ...recordsZh,
  ...catalogZh,
  ...outcomesZh,
  ...enrollmentZh,
  ...exemptionsZh,
  ...certificatesZh,
  ...certificateBatchesZh,
  ...householdExportZh,
  ...rosterImportZh,
  ...bureauStatsZh,
  ...errorsZh,
  ...accountsZh,
  ...roundsZh,
  ...signInCardsZh,
  ...refusalsZh,
  ...apiTokensZh,
  ...lessonEditorZh,
  ...notificationsZh,
  ...coordinatorHomeZh,
  ...auditLogZh,
  ...coordinatorCardsZh,
  ...learnerHomeZh,
  ...adminZh,
  ...certificateViewZh,
} as const

export type MessageKey = keyof typeof zhCN
