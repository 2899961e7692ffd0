/**
 * What an uploaded file really is, from its first bytes (magic numbers), not
 * from its name or the browser's content type: a renamed .exe is not a photo.
 */
export type ImageKind = { mime: 'image/jpeg'; ext: 'jpg' } | { mime: 'image/png'; ext: 'png' }

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' }
  if (bytes.length >= PNG.length && PNG.every((b, i) => bytes[i] === b)) return { mime: 'image/png', ext: 'png' }
  return null
}

/** Evidence files (exemption certificates): a JPEG or PNG photo, or a PDF scan (`%PDF-`). */
export type EvidenceKind = ImageKind | { mime: 'application/pdf'; ext: 'pdf' }

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-

export function sniffEvidence(bytes: Uint8Array): EvidenceKind | null {
  const image = sniffImage(bytes)
  if (image) return image
  if (bytes.length >= PDF.length && PDF.every((b, i) => bytes[i] === b)) return { mime: 'application/pdf', ext: 'pdf' }
  return null
}

/** Lesson pictures the editor uploads: a JPEG, PNG or WebP (`RIFF....WEBP`). */
export type LessonImageKind = ImageKind | { mime: 'image/webp'; ext: 'webp' }

const ascii = (bytes: Uint8Array, at: number, text: string) => text.split('').every((c, i) => bytes[at + i] === c.charCodeAt(0))

export function sniffLessonImage(bytes: Uint8Array): LessonImageKind | null {
  const image = sniffImage(bytes)
  if (image) return image
  if (bytes.length >= 12 && ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp' }
  return null
}

/** Lesson recordings and videos: MP3, M4A/MP4 (an ISO `ftyp` box), Ogg, WebM (EBML). */
export type LessonMediaKind =
  | { kind: 'audio'; mime: 'audio/mpeg'; ext: 'mp3' }
  | { kind: 'audio'; mime: 'audio/mp4'; ext: 'm4a' }
  | { kind: 'audio'; mime: 'audio/ogg'; ext: 'ogg' }
  | { kind: 'video'; mime: 'video/mp4'; ext: 'mp4' }
  | { kind: 'video'; mime: 'video/webm'; ext: 'webm' }

export function sniffLessonMedia(bytes: Uint8Array): LessonMediaKind | null {
  if (bytes.length >= 3 && ascii(bytes, 0, 'ID3')) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' }
  // An MPEG audio frame header: 11 set sync bits, layer III.
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe6) === 0xe2) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' }
  if (bytes.length >= 4 && ascii(bytes, 0, 'OggS')) return { kind: 'audio', mime: 'audio/ogg', ext: 'ogg' }
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return { kind: 'video', mime: 'video/webm', ext: 'webm' }
  if (bytes.length >= 12 && ascii(bytes, 4, 'ftyp')) {
    return ascii(bytes, 8, 'M4A ') || ascii(bytes, 8, 'M4B ')
      ? { kind: 'audio', mime: 'audio/mp4', ext: 'm4a' }
      : { kind: 'video', mime: 'video/mp4', ext: 'mp4' }
  }
  return null
}
