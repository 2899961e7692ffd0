/**
 * The speaking half of 朗读 (app/components/read-aloud.tsx), loaded only when the button is
 * pressed, so the page's first load carries none of it: finds a Chinese voice and reads the text
 * in short pieces with utterance.lang = 'zh-CN'.
 */
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
  const out: string[] = []
  for (const p of text
    .replace(/\s*\n\s*/g, '\n')
    .split(/(?<=[。！？!?；;\n])/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (let i = 0; i < p.length; i += max) out.push(p.slice(i, i + max))
  }
  return out
}

/** Reads `text` aloud in Chinese; false when the phone has no Chinese voice. `done` runs when it ends or fails. */
export async function speakChinese(text: string, done: () => void, stillWanted: () => boolean): Promise<boolean> {
  const synth = window.speechSynthesis
  synth.cancel()
  const voice = await chineseVoice(synth)
  if (!voice) return false
  if (!stillWanted()) return true
  const chunks = speechChunks(text)
  if (chunks.length === 0) done()
  chunks.forEach((chunk, i) => {
    const u = new SpeechSynthesisUtterance(chunk)
    u.lang = 'zh-CN'
    u.voice = voice
    u.rate = 0.9
    if (i === chunks.length - 1) u.onend = done
    u.onerror = done
    synth.speak(u)
  })
  return true
}
