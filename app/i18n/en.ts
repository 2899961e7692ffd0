import { bootEn } from './features/boot.ts'
import { bureauStatsEn } from './features/bureau-stats.ts'
import { certificateBatchesEn } from './features/certificate-batches.ts'
import { refusalsEn } from './features/refusals.ts'
import { certificatesEn } from './features/certificates.ts'
import { householdExportEn } from './features/household-export.ts'
import { rosterImportEn } from './features/roster-import.ts'
import { catalogEn } from './features/catalog.ts'
import { outcomesEn } from './features/outcomes.ts'
import { enrollmentEn } from './features/enrollment.ts'
import { exemptionsEn } from './features/exemptions.ts'
import { attendanceEn } from './features/attendance.ts'
import { checkoutEn } from './features/checkout.ts'
import { learnerPagesEn } from './features/learner-pages.ts'
import { onlineEn } from './features/online.ts'
import { progressEn } from './features/progress.ts'
import { pwaEn } from './features/pwa.ts'
import { recordsEn } from './features/records.ts'
import { errorsEn } from './features/errors.ts'
import { accountsEn } from './features/accounts.ts'
import { roundsEn } from './features/rounds.ts'
import { signInCardsEn } from './features/sign-in-cards.ts'
import { apiTokensEn } from './features/api-tokens.ts'
import { lessonEditorEn } from './features/lesson-editor.ts'
import type { MessageKey } from './zh-CN.ts'
import { notificationsEn } from './features/notifications.ts'
import { coordinatorHomeEn } from './features/coordinator-home.ts'
import { auditLogEn } from './features/audit-log.ts'
import { coordinatorCardsEn } from './features/coordinator-cards.ts'
import { learnerHomeEn } from './features/learner-home.ts'
import { adminEn } from './features/admin.ts'
import { certificateViewEn } from './features/certificate-view.ts'

/** English: the second locale. */
export const en: Record<MessageKey, string> = {
  ...bootEn,
  'app.tagline': 'County teacher training and skills-plus-credential platform',
  'nav.home': 'Home',
  'nav.signOut': 'Sign out',
  'nav.signOutEverywhere': 'Sign out everywhere',
  'nav.signOutEverywhereHint': 'Lost your phone or signed in on someone else’s computer? End every session.',
  'nav.audit': 'Audit log',
  'nav.verification': 'Verify graduation certificates',
  // A page's error boundary has no loader data, so its words are in a core namespace (app/routes/me_.self-study.tsx).
  'error.sendLost.title': 'The network dropped: the log was not sent',
  'error.sendLost.body': 'It is saved on this phone and will not be lost. Open “Log self-study” when you are online and it is sent by itself.',
  'error.sendLost.back': 'Back to self-study',
  'error.sendLost.photo': 'The photo could not be kept on the phone: the log goes without it.',
  'nav.password': 'Change password',
  'locale.switch': '中文',
  'locale.label': 'Language',

  'role.learner': 'Learner',
  'role.teacher': 'Teacher',
  'role.coordinator': 'Training coordinator',
  'role.bureau': 'Education bureau',
  'role.admin': 'Administrator',

  'login.title': 'Sign in',
  'login.identifier': 'Username or phone number',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.invalid': 'Wrong username or password.',
  'login.locked': 'Too many attempts. Try again in {seconds} s (the right password must wait too).',
  'login.lockedMinutes': 'Too many attempts. Try again in {minutes} min (the right password must wait too).',
  'login.required': 'Enter your username or phone number and password.',
  'login.signedOut': 'You have signed out.',
  'login.expired': 'Your session has expired. Please sign in again.',

  'password.title': 'Change password',
  'password.mustChange': 'First sign-in: please choose your own password.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'New password again',
  'password.submit': 'Save new password',
  'password.required': 'Please fill in all three fields.',
  'password.wrongCurrent': 'The current password is wrong.',
  'password.mismatch': 'The two new passwords differ.',
  'password.too_short': 'Use at least 8 characters.',
  'password.too_long': 'Use at most 128 characters.',
  'password.common': 'This password is too common. Choose another.',
  'password.same': 'The new password must differ from the current one.',
  'password.changed': 'Password changed. Other devices have been signed out.',
  'password.hint': '8 to 128 characters; a sentence works well. No symbol rules.',

  'error.csrf': 'Request origin refused. Submit again from a XiangXue page.',
  'error.bodyTooLarge': 'Request too large (at most {kb} KB); it was not processed.',
  'error.nulCharacter': 'The request contains a NUL character (U+0000); it was not processed. Remove it and try again.',

  'idNumber.empty': 'Enter the ID number.',
  'idNumber.length': 'An ID number has 18 characters; you entered {length}.',
  'idNumber.format': 'The first 17 characters must be digits, the last a digit or X.',
  'idNumber.region': 'The first two digits are not a valid province code.',
  'idNumber.birth_date': 'The birth date {birthDate} in the ID number does not exist or is implausible.',
  'idNumber.check_digit': 'Wrong check digit (the last character should be {expected}). Please check for a typo.',
  'idNumber.duplicate': 'This ID number is already registered. Search for the existing person first.',

  'person.name': 'Name',
  'person.idNumber': 'ID number',
  'person.phone': 'Phone',
  'person.region': 'Township',
  'person.kind': 'Kind',
  'person.kind.adult_learner': 'Adult learner',
  'person.kind.teacher': 'Teacher',
  'person.priorEducation': 'Prior education',
  'person.priorEducation.none': 'Never schooled',
  'person.priorEducation.primary': 'Primary',
  'person.priorEducation.junior': 'Junior high',
  'person.priorEducation.senior': 'Senior high',
  'person.priorEducation.vocational': 'Secondary vocational',
  'person.gender': 'Gender',
  'person.gender.male': 'Male',
  'person.gender.female': 'Female',
  'person.birthDate': 'Birth date',
  'person.organization': 'School / organization',
  'person.account': 'Account',
  'person.noAccount': 'None',
  'person.enrollments': 'Classes and rounds',
  'person.new': 'Register a person',
  'person.create': 'Save',
  'person.created': 'Registered: {name}',
  'person.nameRequired': 'Enter a name (2 to 30 characters).',
  'person.phoneInvalid': 'A phone number has 11 digits and starts with 1.',
  'person.regionRequired': 'Choose a township.',
  'person.kindRequired': 'Choose a kind.',
  'person.fullIdNote': 'The full ID number is shown to coordinators on this page only; viewing it is audited.',

  'coordinator.title': 'Training management',
  'coordinator.people': 'People',
  'coordinator.groups': 'Classes and rounds',
  'coordinator.search': 'Search by name or mobile number',
  'coordinator.searchSubmit': 'Search',
  'coordinator.noPeople': 'Nobody matches.',
  'coordinator.peopleCount': '{count} people',
  'coordinator.scope': 'Scope: {scope}',

  'group.code': 'Code',
  'group.name': 'Name',
  'group.program': 'Program',
  'group.kind.class': 'Class',
  'group.kind.round': 'Round',
  'group.major': 'Major',
  'group.region': 'Region',
  'group.start': 'Start',
  'group.end': 'End',
  'group.enrolled': 'Enrolled',

  'program.skills-credential': 'Skills plus credential',
  'program.teacher-training': 'Teacher training',

  'enrollment.status.active': 'Active',
  'enrollment.status.withdrawn': 'Withdrawn',
  'enrollment.status.graduated': 'Graduated',
  'enrollment.status.completed': 'Completed',
  'enrollment.period': 'Study period: {start} to {end}',
  'enrollment.studyYears': '{years}-year program',

  'me.title': 'My learning',
  'me.greeting': 'Hello, {name}',
  'me.none': 'You are not in any class or round yet. Please contact your coordinator.',
  'me.round': 'Round',
  'me.class': 'Class',

  'bureau.title': 'Bureau overview',
  'bureau.scope': 'Scope: {scope}',
  'bureau.learners': 'Adult learners',
  'bureau.teachers': 'Teachers',
  'bureau.classes': 'Classes',
  'bureau.rounds': 'Training rounds',
  'bureau.activeEnrollments': 'Active enrollments',
  'bureau.byTownship': 'By township',
  'bureau.township': 'Township',

  'admin.title': 'Administration',
  'admin.users': 'Users',
  'admin.regions': 'Regions',
  'admin.newUser': 'New user',
  'admin.username': 'Username',
  'admin.displayName': 'Display name',
  'admin.role': 'Role',
  'admin.scope': 'Scope',
  'admin.scopeAll': 'Everything',
  'admin.scopeNone': 'None (no scope set; ask an administrator)',
  'admin.canVerifyGraduation': 'May verify graduation certificates (prefecture)',
  'admin.create': 'Create user',
  'admin.created': 'Created {username}. Initial password: {password} (tell them in person; it must be changed at first sign-in).',
  'admin.usernameInvalid': 'Usernames are 3 to 32 lower-case letters, digits, dots or underscores.',
  'admin.usernameTaken': 'The username {username} is taken.',
  'admin.scopeRequired': 'Choose a scope.',
  'admin.disabled': 'Disabled',
  'admin.enabled': 'Active',
  'admin.disable': 'Disable',
  'admin.enable': 'Enable',
  'admin.resetPassword': 'Reset password',
  'admin.passwordReset': 'New password for {username}: {password} (must be changed at first sign-in). All their sessions ended.',
  'admin.saveRole': 'Save role and scope',
  'admin.roleSaved': 'Role and scope saved; all their sessions ended.',
  'admin.userStatusChanged': 'Account status updated.',
  'admin.level.province': 'Province',
  'admin.level.prefecture': 'Prefecture',
  'admin.level.county': 'County',
  'admin.level.township': 'Township',
  'admin.level.village': 'Village / school',
  'admin.code': 'Code',
  'admin.level': 'Level',
  'admin.actions': 'Actions',
  'admin.status': 'Status',

  'audit.title': 'Audit log',
  'audit.at': 'Time',
  'audit.actor': 'Actor',
  'audit.action': 'Action',
  'audit.entity': 'Record',
  'audit.ip': 'IP address',
  'audit.details': 'Change',
  'audit.readOnly': 'The audit log is read-only and kept for at least 6 months.',
  'audit.none': 'No events.',

  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.back': 'Back',
  'common.view': 'View',
  'common.none': 'None',
  'common.required': 'required',
  'common.optional': 'optional',
  'common.prev': 'Previous',
  'common.next': 'Next',
  'common.hours': '{hours} hours',
  ...attendanceEn,
  ...checkoutEn,
  ...learnerPagesEn,
  ...onlineEn,
  ...progressEn,
  ...pwaEn,
  ...recordsEn,
  ...errorsEn,
  ...accountsEn,
  ...roundsEn,
  ...signInCardsEn,
  ...apiTokensEn,
  ...lessonEditorEn,
  ...refusalsEn,
  ...catalogEn,
  ...outcomesEn,
  ...enrollmentEn,
  ...exemptionsEn,
  ...certificatesEn,
  ...certificateBatchesEn,
  ...householdExportEn,
  ...rosterImportEn,
  ...bureauStatsEn,
  ...notificationsEn,
  ...coordinatorHomeEn,
  ...auditLogEn,
  ...coordinatorCardsEn,
  ...learnerHomeEn,
  ...adminEn,
  ...certificateViewEn,
}
