/**
 * "朗读" (issue 13): reads a part of the page aloud with the phone's own speech
 * synthesis (no download, no server), in Chinese: utterance.lang = 'zh-CN' and
 * a Chinese voice when the phone has one. A phone without a Chinese voice gets
 * a plain message instead of garbled speech. Progressive enhancement: the
 * server renders nothing, and the button appears only once the page's script
 * has found speechSynthesis, so without JavaScript there is no dead button.
 */
import { useEffect, useRef, useState } from 'react'
import { useT } from '#app/utils/i18n.ts'

type State = 'unavailable' | 'idle' | 'speaking' | 'no_voice'

const isChinese = (v: SpeechSynthesisVoice) => /^(zh|cmn)([-_]|$)/i.test(v.lang)

/** Voices load late on some phones (Chrome fills the list after `voiceschanged`): wait up to a second. */
function chineseVoice(synth: SpeechSynthesis): Promise<SpeechSynthesisVoice | null> {
  const pick = () => {
    const voices = synth.getVoices()
    return voices.find((v) => isChinese(v) && /CN|Hans/i.test(v.lang)) ?? voices.find(isChinese) ?? null
  }
  const now = pick()
  if (now || synth.getVoices().length > 0) return Promise.resolve(now)
  return new Promise((resolve) => {
    const done = () => {
      synth.removeEventListener?.('voiceschanged', done)
      clearTimeout(timer)
      resolve(pick())
    }
    const timer = setTimeout(done, 1000)
    synth.addEventListener?.('voiceschanged', done)
  })
}

/** Short pieces (a sentence or a line): long utterances stop half-way on many Android phones. */
export function speechChunks(text: string, max = 120): string[] {
  const pieces = text
    .replace(/\s*\n\s*/g, '\n')
    .split(/(?<=[。！？!?；;\n])/)
    .map((s) => s.trim())
    .filter(Boolean)
  const out: string[] = []
  for (const p of pieces) {
    for (let i = 0; i < p.length; i += max) out.push(p.slice(i, i + max))
  }
  return out
}

/** A 朗读 / 停止 button for the element `targetId` (its visible text is read). */
export function ReadAloud({ targetId, label }: { targetId: string; label?: string }) {
  const t = useT()
  const [state, setState] = useState<State>('unavailable')
  const generation = useRef(0)

  useEffect(() => {
    if (typeof window !== 'undefined' && 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function') setState('idle')
    return () => {
      generation.current++
      if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.cancel()
    }
  }, [])

  if (state === 'unavailable') return null

  const stop = () => {
    generation.current++
    window.speechSynthesis.cancel()
    setState('idle')
  }

  const start = async () => {
    const synth = window.speechSynthesis
    const mine = ++generation.current
    synth.cancel()
    const voice = await chineseVoice(synth)
    if (mine !== generation.current) return
    if (!voice) {
      setState('no_voice')
      return
    }
    const text = document.getElementById(targetId)?.innerText ?? ''
    const chunks = speechChunks(text)
    if (chunks.length === 0) return
    setState('speaking')
    chunks.forEach((chunk, i) => {
      const u = new SpeechSynthesisUtterance(chunk)
      u.lang = 'zh-CN'
      u.voice = voice
      u.rate = 0.9
      if (i === chunks.length - 1) {
        u.onend = () => {
          if (mine === generation.current) setState('idle')
        }
      }
      u.onerror = () => {
        if (mine === generation.current) setState('idle')
      }
      synth.speak(u)
    })
  }

  return (
    <div className="read-aloud" data-testid="read-aloud">
      {state === 'speaking' ? (
        <button type="button" className="secondary" onClick={stop}>
          <StopIcon /> {t('home.readAloud.stop')}
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => void start()}>
          <SpeakerIcon /> {label ?? t('home.readAloud.start')}
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

function SpeakerIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
      <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  )
}

function StopIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" />
    </svg>
  )
}
