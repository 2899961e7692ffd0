/**
 * "朗读" (issue 13): reads a part of the page aloud with the phone's own speech
 * synthesis (no download, no server), in Chinese: utterance.lang = 'zh-CN' and
 * a Chinese voice when the phone has one (app/components/speak.ts, loaded on
 * the first press). A phone without a Chinese voice gets a plain message
 * instead of garbled speech. Progressive enhancement: the server renders
 * nothing, and the button appears only once the page's script has found
 * speechSynthesis, so without JavaScript there is no dead button.
 */
import { useEffect, useRef, useState } from 'react'
import { useT } from '#app/utils/i18n.ts'
import { Icon } from './icons.tsx'

type State = 'unavailable' | 'idle' | 'speaking' | 'no_voice'

const supported = () => typeof window !== 'undefined' && 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function'

/** A 朗读 / 停止 button for the element `targetId` (its visible text is read). */
export function ReadAloud({ targetId, label }: { targetId: string; label?: string }) {
  const t = useT()
  const [state, setState] = useState<State>('unavailable')
  const generation = useRef(0)

  useEffect(() => {
    const ref = generation
    if (supported()) setState('idle')
    return () => {
      ref.current++
      if (supported()) window.speechSynthesis.cancel()
    }
  }, [])

  if (state === 'unavailable') return null

  const stop = () => {
    generation.current++
    window.speechSynthesis.cancel()
    setState('idle')
  }

  const start = async () => {
    const mine = ++generation.current
    const current = () => mine === generation.current
    const { speakChinese } = await import('./speak.ts')
    setState('speaking')
    const text = document.getElementById(targetId)?.innerText ?? ''
    const ok = await speakChinese(text, () => current() && setState('idle'), current)
    if (!ok && current()) setState('no_voice')
  }

  return (
    <div className="read-aloud" data-testid="read-aloud">
      {state === 'speaking' ? (
        <button type="button" className="secondary" onClick={stop}>
          <Icon name="stop" /> {t('home.readAloud.stop')}
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => void start()}>
          <Icon name="speaker" /> {label ?? t('home.readAloud.start')}
        </button>
      )}
      {state === 'no_voice' ? (
        <p className="form-error" role="status">
          {t('home.readAloud.noVoice')}
        </p>
      ) : null}
    </div>
  )
}
