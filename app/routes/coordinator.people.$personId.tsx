import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { EnrollmentList } from '#app/components/enrollment-list.tsx'
import { AccountPanel, PhoneForm, type AccountActionResult } from '#app/components/person-account.tsx'
import { requirePersonInScope, requireRole } from '#app/auth/permissions.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import { listEnrollmentsOfPersonForStaff } from '#app/models/enrollments.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'
import { personAccountAction, personAccountPanel } from './person-account.server.ts'

const ROLES = PEOPLE_MANAGERS

/**
 * The coordinator's person page: the one place the full ID number is shown.
 * Out-of-scope ids answer 404. Each view of the full number is audited.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const person = await requirePersonInScope(user, params.personId ?? '', ROLES)
  const db = getDb()
  // Each with mayAct: only those the caller may act on link to their record of study.
  const enrollments = await listEnrollmentsOfPersonForStaff(db, user, person.id)
  await recordAudit(db, {
    actorId: user.id,
    action: 'person.view_id_number',
    entityType: 'Person',
    entityId: person.id,
    ip: context.ip,
    scopePath: person.region.path,
  })
  const accountPanel = await personAccountPanel(user, person.id)
  return {
    accountPanel,
    person: {
      id: person.id,
      name: person.name,
      idNumber: decryptField(person.idCipher),
      phone: person.phoneCipher ? decryptField(person.phoneCipher) : null,
      gender: person.gender,
      birthDate: person.birthDate,
      kind: person.kind,
      priorEducation: person.priorEducation,
      region: person.region.name,
      organization: person.organization?.name ?? null,
      account: person.user?.username ?? null,
    },
    enrollments,
  }
}

/** The account and phone actions (issue 17): reset password, disable/enable, phone of record; audited in the models. */
export async function action(args: ActionFunctionArgs) {
  return personAccountAction(args)
}

export default function PersonPage() {
  const { person, enrollments, accountPanel } = useLoaderData<typeof loader>()
  const actionResult = useActionData<typeof action>() as AccountActionResult | undefined
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{person.name}</h1>
      <div className="card">
        <dl className="facts">
          <dt>{t('person.idNumber')}</dt>
          <dd className="mono" data-testid="full-id-number">
            {person.idNumber}
          </dd>
          <dt>{t('person.gender')}</dt>
          <dd>{t(`person.gender.${person.gender}`)}</dd>
          <dt>{t('person.birthDate')}</dt>
          <dd>{showDate(person.birthDate, locale)}</dd>
          <dt>{t('person.phone')}</dt>
          <dd className="mono">{person.phone ?? '—'}</dd>
          <dt>{t('person.kind')}</dt>
          <dd>{t(`person.kind.${person.kind}`)}</dd>
          {person.priorEducation ? (
            <>
              <dt>{t('person.priorEducation')}</dt>
              <dd>{t(`person.priorEducation.${person.priorEducation}`)}</dd>
            </>
          ) : null}
          <dt>{t('person.region')}</dt>
          <dd>{person.region}</dd>
          <dt>{t('person.organization')}</dt>
          <dd>{person.organization ?? '—'}</dd>
          <dt>{t('person.account')}</dt>
          <dd>{person.account ?? t('person.noAccount')}</dd>
        </dl>
        <p className="hint">{t('person.fullIdNote')}</p>
      </div>
      <PhoneForm phone={person.phone} result={actionResult} />
      <AccountPanel personId={person.id} account={accountPanel.account} card={accountPanel.card} result={actionResult} />
      <h2>{t('person.enrollments')}</h2>
      <EnrollmentList enrollments={enrollments} hrefOf={(e) => (e.mayAct ? `/coordinator/enrollments/${e.id}` : null)} />
      <p className="row">
        <Link to={`/coordinator/people/${person.id}/enroll`} className="button">
          {t('enroll.onePerson')}
        </Link>
        <Link to={`/coordinator/people/${person.id}/records`} className="button secondary">
          {t('records.link')}
        </Link>
      </p>
    </div>
  )
}
