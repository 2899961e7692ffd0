import { expect, test } from 'vitest'
import { sniffEvidence, sniffImage, sniffLessonImage, sniffLessonMedia } from './file-kind.ts'

const bytes = (...b: number[]) => new Uint8Array(b)

test.each([
  ['a JPEG (JFIF)', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
  ['a JPEG (Exif)', bytes(0xff, 0xd8, 0xff, 0xe1), 'image/jpeg'],
  ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a Windows .exe (MZ)', bytes(0x4d, 0x5a, 0x90, 0), null],
  ['a GIF', bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61), null],
  ['a PDF', new TextEncoder().encode('%PDF-1.7'), null],
  ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e, 0x47), null],
  ['an empty file', bytes(), null],
])('%s → %s', (_name, input, mime) => {
  expect(sniffImage(input)?.mime ?? null).toBe(mime)
})

test.each([
  ['a JPEG photo', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
  ['a PNG photo', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a PDF scan', new TextEncoder().encode('%PDF-1.4\n%âãÏÓ'), 'application/pdf'],
  ['"%PDF" without the dash', new TextEncoder().encode('%PDF1.4'), null],
  ['a PDF signature not at the start', new TextEncoder().encode(' %PDF-1.4'), null],
  ['a Windows .exe renamed .jpg', bytes(0x4d, 0x5a, 0x90, 0), null],
  ['a ZIP (a .docx)', bytes(0x50, 0x4b, 0x03, 0x04), null],
  ['an empty file', bytes(), null],
])('evidence: %s → %s', (_name, input, mime) => {
  expect(sniffEvidence(input)?.mime ?? null).toBe(mime)
})

const text = (s: string) => new TextEncoder().encode(s)

test.each([
  ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
  ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a WebP', text('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '), 'image/webp'],
  ['a WAV (RIFF but not WebP)', text('RIFF\u0000\u0000\u0000\u0000WAVEfmt '), null],
  ['an SVG (may carry script)', text('<svg xmlns="http://www.w3.org/2000/svg">'), null],
  ['a GIF', text('GIF89a'), null],
])('lesson image: %s → %s', (_name, input, mime) => {
  expect(sniffLessonImage(input)?.mime ?? null).toBe(mime)
})

test.each([
  ['an MP3 with ID3', text('ID3\u0004\u0000'), 'audio/mpeg'],
  ['an MP3 frame', bytes(0xff, 0xfb, 0x90, 0x00), 'audio/mpeg'],
  ['an M4A', text('\u0000\u0000\u0000\u0020ftypM4A \u0000'), 'audio/mp4'],
  ['an MP4', text('\u0000\u0000\u0000\u0020ftypisom\u0000'), 'video/mp4'],
  ['an Ogg', text('OggS\u0000'), 'audio/ogg'],
  ['a WebM', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f), 'video/webm'],
  ['an HTML page', text('<!doctype html><script>'), null],
  ['a Windows .exe', bytes(0x4d, 0x5a, 0x90, 0), null],
])('lesson media: %s → %s', (_name, input, mime) => {
  expect(sniffLessonMedia(input)?.mime ?? null).toBe(mime)
})
