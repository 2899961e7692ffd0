import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { Icon } from '#app/components/icons.tsx'
import { ReadAloud } from '#app/components/read-aloud.tsx'
import { RichText } from '#app/components/rich-text.tsx'
import type { MessageKey } from '#app/i18n/index.ts'
import { finishLessonReading, openLessonForPerson } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: data ? `${data.lesson.title} · ${pageTitle(matches)}` : pageTitle(matches) }]

/**
 * One of the person's own lessons (their class's plan, a current round's module); any other lesson
 * is a 404. Serving the page records when it was opened and gives the "学完了" form a one-time token.
 */
export const loader = withMessages(['home', 'learn', 'online', 'outcomes'], async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  if (!user.personId) throw notFound()
  const lesson = await openLessonForPerson(getDb(), { personId: user.personId, lessonId: params.lessonId ?? '', now: new Date() })
  if (!lesson) throw notFound()
  return { lesson }
})

/** "学完了": credits the time since the page was served, capped like the heartbeats, once per page (works without JavaScript). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  if (!user.personId) throw notFound()
  const form = await request.formData()
  const token = String(form.get('token') ?? '')
  const result = await pageLoad(() => finishLessonReading(getDb(), { personId: user.personId!, lessonId: params.lessonId ?? '', token, now: new Date() }))
  const key: MessageKey =
    result.status === 'already'
      ? 'learn.finish.already'
      : result.reason === 'lesson_cap' && result.seconds === 0
        ? 'learn.finish.lessonCap'
        : result.reason === 'daily_cap' && result.seconds === 0
          ? 'learn.finish.dailyCap'
          : result.reason === 'already_counted'
            ? 'learn.finish.alreadyCounted'
            : result.seconds < 60
              ? 'learn.finish.short'
              : 'learn.finish.credited'
  return { finished: { key, minutes: Math.floor(result.seconds / 60) } }
}

const BEAT_MS = 30_000

type BeatState = 'idle' | 'counting' | 'paused' | 'other_tab' | 'lesson_cap' | 'daily_cap' | 'offline' | 'refused'

function randomToken() {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Sends a heartbeat every 30 s while the page is visible (and one at once when
 * it becomes visible). Each page load is its own tab (a random token, seq
 * counting up); `generation` starts a new one (the "continue here" button).
 */
function useHeartbeat(lessonId: string, initialSeconds: number) {
  const [seconds, setSeconds] = useState(initialSeconds)
  const [state, setState] = useState<BeatState>('idle')
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    const token = randomToken()
    let seq = 0
    let timer: ReturnType<typeof setInterval> | undefined
    let halted = false
    const stop = () => {
      if (timer) clearInterval(timer)
      timer = undefined
    }
    const send = async () => {
      if (halted || document.visibilityState !== 'visible') return
      seq += 1
      try {
        const res = await fetch('/learn/heartbeat', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ lessonId, tabToken: token, seq, sentAt: Date.now() }),
        })
        if (halted) return
        if (!res.ok) {
          halted = true
          stop()
          setState('refused')
          return
        }
        const data = (await res.json()) as { lessonSecondsToday: number; status: string }
        if (halted) return
        setSeconds(data.lessonSecondsToday)
        if (data.status === 'other_tab' || data.status === 'lesson_cap' || data.status === 'daily_cap') {
          halted = true
          stop()
          setState(data.status)
        } else {
          setState('counting')
        }
      } catch {
        if (!halted) setState('offline')
      }
    }
    const onVisibility = () => {
      stop()
      if (halted) return
      if (document.visibilityState === 'visible') {
        void send()
        timer = setInterval(send, BEAT_MS)
      } else {
        setState('paused')
      }
    }
    document.addEventListener('visibilitychange', onVisibility)
    onVisibility()
    return () => {
      halted = true
      stop()
      document.removeEventListener('visibilitychange', onVisibility)
    }
  }, [lessonId, generation])

  return { seconds, state, takeOver: () => setGeneration((g) => g + 1) }
}

export default function LessonPage() {
  const { lesson } = useLoaderData<typeof loader>()
  const finished = useActionData<typeof action>()?.finished
  const navigation = useNavigation()
  const t = useT()
  const { seconds, state, takeOver } = useHeartbeat(lesson.id, lesson.secondsToday)
  const message =
    state === 'counting'
      ? t('online.state.counting')
      : state === 'paused'
        ? t('online.state.paused')
        : state === 'other_tab'
          ? t('online.state.otherTab')
          : state === 'lesson_cap'
            ? t('online.state.lessonCap')
            : state === 'daily_cap'
              ? t('online.state.dailyCap')
              : state === 'offline'
                ? t('online.state.offline')
                : state === 'refused'
                  ? t('online.state.refused')
                  : null
  return (
    <article className="narrow lesson">
      <p className="lesson-crumbs">
        <Link to="/learn" className="back-link">
          <Icon name="list" /> {t('learn.back')}
        </Link>
        <span className="home-sub">{lesson.course.name}</span>
      </p>
      <h1>{lesson.title}</h1>
      {lesson.completed ? (
        <p className="req-met" data-testid="lesson-done">
          <Icon name="check" /> {t('learn.finish.done')}
        </p>
      ) : null}
      <ReadAloud targetId="lesson-body" />
      <div className="card" role="status" aria-live="polite" data-testid="online-status">
        <div>{t('online.status', { minutes: Math.floor(seconds / 60), cap: Math.floor(lesson.capSeconds / 60) })}</div>
        {message ? <div className={state === 'counting' ? 'muted' : 'form-error'}>{message}</div> : null}
        {state === 'other_tab' ? (
          <button type="button" className="secondary block" onClick={takeOver}>
            {t('online.state.takeOver')}
          </button>
        ) : null}
        <noscript>
          <div className="muted">{t('online.noscript')}</div>
        </noscript>
      </div>
      <div id="lesson-body">
        <RichText html={lesson.html} />
      </div>
      <Form method="post" className="card lesson-finish" data-testid="lesson-finish">
        {finished ? (
          <p className="notice" role="status">
            {t(finished.key, { minutes: finished.minutes })}
          </p>
        ) : (
          <p>{t('learn.finish.hint')}</p>
        )}
        <input type="hidden" name="token" value={lesson.finishToken} />
        <button type="submit" className="block" disabled={navigation.state === 'submitting'}>
          <Icon name="check" /> {t('learn.finish.button')}
        </button>
      </Form>
    </article>
  )
}
