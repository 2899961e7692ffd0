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
