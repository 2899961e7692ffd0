import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { CARD_PRINTERS, personCardOverview, revokePersonCard, SignInCardError } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, refusal } from '#app/utils/page-errors.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'cards.person.link') }]

/**
 * One person's sign-in card (from the person page): the card in force (its
 * number, when printed, when last used), print or reprint it (a POST to
 * card.pdf, which answers the PDF), or revoke a lost card with a reason.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, CARD_PRINTERS)
  const o = await pageLoad(() => personCardOverview(getDb(), user, params.personId ?? ''))
  return {
    person: o.person,
    refusal: o.refusal,
    status: {
      active: o.status.active,
      shortId: o.status.shortId,
      issuedAt: o.status.issuedAt?.toISOString() ?? null,
      lastUsedAt: o.status.lastUsedAt?.toISOString() ?? null,
    },
    printError: (['busy'] as const).find((e) => e === new URL(request.url).searchParams.get('error')) ?? null,
  }
}

const RevokeSchema = z.object({ intent: z.literal('revoke'), reason: z.string().max(1000).default('') })

/** POST intent=revoke, reason: the card in force stops working, and the sessions begun from a card end. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CARD_PRINTERS)
  const t = serverT(request, user.locale)
  const parsed = RevokeSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return refusal(new SignInCardError('reason_required'), t)
  try {
    await revokePersonCard(getDb(), user, params.personId ?? '', { reason: parsed.data.reason, ip: context.ip })
    return data({ ok: true as const })
  } catch (error) {
    return refusal(error, t)
  }
}

export default function PersonCard() {
  const { person, refusal: cannot, status, printError } = useLoaderData<typeof loader>()
  const acted = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const t = useT()
  const locale = useLocale()
  const failed = acted && !acted.ok ? acted : null
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/people/${person.id}`}>← {person.name}</Link>
      </p>
      <h1>{t('cards.person.title', { name: person.name })}</h1>
      {acted?.ok ? (
        <p className="notice" role="status">
          {t('cards.person.revoked')}
        </p>
      ) : null}
      {printError ? (
        <p className="form-error" role="alert">
          {t(`cards.error.${printError}`)}
        </p>
      ) : null}
      <div className="card">
        {status.active && status.shortId && status.issuedAt ? (
          <>
            <p data-testid="card-status">{t('cards.person.active', { shortId: status.shortId, issued: formatInstant(new Date(status.issuedAt), locale) })}</p>
            <p className="muted">
              {status.lastUsedAt ? t('cards.person.lastUsed', { when: formatInstant(new Date(status.lastUsedAt), locale) }) : t('cards.person.neverUsed')}
            </p>
          </>
        ) : (
          <p data-testid="card-status">{t('cards.person.none')}</p>
        )}
        {cannot ? (
          <p className="form-error">{t(`cards.error.${cannot}`)}</p>
        ) : (
          <Form method="post" action={`/coordinator/people/${person.id}/card.pdf`} reloadDocument>
            <button type="submit" className="block">
              {status.active ? t('cards.person.reprint') : t('cards.person.print')}
            </button>
          </Form>
        )}
      </div>
      {status.active ? (
        <Form method="post" className="card">
          <h2>{t('cards.person.revokeTitle')}</h2>
          <p className="muted">{t('cards.person.revokeHint')}</p>
          <input type="hidden" name="intent" value="revoke" />
          <Field
            id="reason"
            name="reason"
            label={t('cards.person.reason')}
            required
            maxLength={200}
            error={failed?.field === 'reason' ? failed.message : null}
          />
          {failed && failed.field !== 'reason' ? (
            <p className="form-error" role="alert">
              {failed.message}
            </p>
          ) : null}
          <button type="submit" className="danger block" disabled={busy}>
            {t('cards.person.revoke')}
          </button>
        </Form>
      ) : null}
    </div>
  )
}
