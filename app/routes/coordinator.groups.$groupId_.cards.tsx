import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { CARD_PRINTERS, groupCardPlan, type CardSkipReason } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'cards.group.link') }]

/** What a failed print says when it comes back here (cards.pdf redirects with ?error=). */
const PRINT_ERRORS = ['busy', 'no_learners'] as const

/**
 * 打印学习卡, the confirm step: who in the class or round gets a card, how
 * many old cards stop working, who gets none and why. The button POSTs to
 * cards.pdf, which issues the cards and answers the PDF (printing revokes
 * the old cards, so no GET does it).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, CARD_PRINTERS)
  const plan = await pageLoad(() => groupCardPlan(getDb(), user, params.groupId ?? ''))
  const error = new URL(request.url).searchParams.get('error')
  return {
    group: { id: plan.group.id, code: plan.group.code, name: plan.group.name },
    count: plan.cards.length,
    inForce: plan.inForce,
    skipped: plan.skipped.map((s) => ({ personId: s.personId, name: s.name, reason: s.reason })),
    error: PRINT_ERRORS.find((e) => e === error) ?? null,
  }
}

export default function GroupCards() {
  const { group, count, inForce, skipped, error } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {group.name}</Link>
      </p>
      <h1>{t('cards.group.title', { group: group.name })}</h1>
      <p className="muted">{t('cards.group.intro')}</p>
      {error ? (
        <p className="form-error" role="alert">
          {t(`cards.error.${error}`)}
        </p>
      ) : null}
      <div className="card">
        {count === 0 ? (
          <p>{t('cards.group.none')}</p>
        ) : (
          <>
            <p data-testid="cards-count">{t('cards.group.count', { count })}</p>
            {inForce > 0 ? <p className="form-error">{t('cards.group.inForce', { count: inForce })}</p> : null}
            <Form method="post" action={`/coordinator/groups/${group.id}/cards.pdf`} reloadDocument>
              <button type="submit" className="block">
                {t('cards.group.submit')}
              </button>
            </Form>
            <p className="hint">{t('cards.group.after')}</p>
          </>
        )}
      </div>
      {skipped.length > 0 ? (
        <>
          <p>{t('cards.group.skipped', { count: skipped.length })}</p>
          <Table headers={[t('person.name'), '']}>
            {skipped.map((s) => (
              <tr key={s.personId}>
                <td>
                  <Link to={`/coordinator/people/${s.personId}`}>{s.name}</Link>
                </td>
                <td>{t(`cards.skip.${s.reason as CardSkipReason}`)}</td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}
    </div>
  )
}
