import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { requireUser } from '#app/auth/permissions.server.ts'
import { getPreferences, listNotifications, markAllRead, markRead, setPreferences } from '#app/models/notifications.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { formatInstant } from '#app/domain/time.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'notifications.title') }]

/** The notification centre of any signed-in account (learners, teachers, staff): newest first, and SMS/email on or off. */
export const loader = withMessages(['outcomes'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireUser(request)
  const db = getDb()
  const [items, prefs] = await Promise.all([listNotifications(db, user.id), getPreferences(db, user.id)])
  return {
    prefs,
    items: items.map((n) => ({ id: n.id, title: n.title, body: n.body, read: n.readAt !== null, at: n.createdAt.toISOString(), hasLink: n.link !== null })),
  }
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  const id = String(form.get('id') ?? '')
  if (intent === 'open' || intent === 'read') {
    const n = await markRead(db, user.id, id)
    // Open: where the notification points (a path of ours, stored by the model); read: stay on the list.
    if (intent === 'open' && n?.link) return redirect(safeRedirect(n.link, '/me/notifications'))
    return redirect('/me/notifications')
  }
  if (intent === 'read_all') {
    await markAllRead(db, user.id)
    return redirect('/me/notifications')
  }
  if (intent === 'preferences') {
    await setPreferences(db, user.id, { sms: form.get('sms') === 'on', email: form.get('email') === 'on' }, context.ip as string | undefined)
    return redirect('/me/notifications?saved=1#settings')
  }
  return redirect('/me/notifications')
}

export default function Notifications() {
  const { items, prefs } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const [params] = useSearchParams()
  const unread = items.filter((n) => !n.read).length
  return (
    <div className="narrow">
      <h1>{t('notifications.title')}</h1>
      {unread > 0 ? (
        <Form method="post" className="row">
          <span style={{ marginRight: 'auto' }}>{t('notifications.unread', { count: unread })}</span>
          <input type="hidden" name="intent" value="read_all" />
          <button type="submit" className="secondary">
            {t('notifications.markAllRead')}
          </button>
        </Form>
      ) : null}
      {items.length === 0 ? <p className="card">{t('notifications.none')}</p> : null}
      <ul className="plain" data-testid="notification-list" style={{ listStyle: 'none', padding: 0 }}>
        {items.map((n) => (
          <li key={n.id} id={`n-${n.id}`} className="card" data-testid="notification" data-read={n.read ? 'yes' : 'no'}>
            <strong>
              {n.read ? null : <span className="badge">{t('notifications.new')}</span>} {n.title}
            </strong>
            <p style={{ fontSize: '1.1rem' }}>{n.body}</p>
            <p className="muted">{formatInstant(new Date(n.at), locale)}</p>
            <Form method="post" className="row">
              <input type="hidden" name="id" value={n.id} />
              {n.hasLink ? (
                <button type="submit" name="intent" value="open">
                  {t('notifications.open')}
                </button>
              ) : null}
              {n.read ? null : (
                <button type="submit" name="intent" value="read" className="secondary">
                  {t('notifications.markRead')}
                </button>
              )}
            </Form>
          </li>
        ))}
      </ul>
      <section id="settings" className="card">
        <h2>{t('notifications.settings')}</h2>
        {params.get('saved') ? (
          <p className="notice" role="status">
            {t('notifications.saved')}
          </p>
        ) : null}
        <p>{t('notifications.settingsIntro')}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="preferences" />
          <p>
            <label style={{ fontSize: '1.2rem' }}>
              <input type="checkbox" name="sms" defaultChecked={prefs.sms} style={{ width: 24, height: 24 }} /> {t('notifications.sms')}
            </label>
          </p>
          <p>
            <label style={{ fontSize: '1.2rem' }}>
              <input type="checkbox" name="email" defaultChecked={prefs.email} style={{ width: 24, height: 24 }} /> {t('notifications.email')}
            </label>
          </p>
          <button type="submit" className="block">
            {t('notifications.save')}
          </button>
        </Form>
      </section>
      <p>
        <Link to="/">{t('notifications.back')}</Link>
      </p>
    </div>
  )
}
