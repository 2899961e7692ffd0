/** File downloads: the Content-Disposition header and the response every download route answers with. */

/** A file to send: its bytes, type and name (UTF-8, with an ASCII fallback for old clients). */
export type DownloadFile = { bytes: Uint8Array; contentType: string; fileName: { utf8: string; ascii: string } }

/** RFC 6266 / RFC 5987 attachment header with a UTF-8 file name and an ASCII fallback. */
export function attachmentDisposition(name: { utf8: string; ascii: string }): string {
  const ascii = name.ascii.replace(/[^\x20-\x7e]|["\\]/g, '_')
  const encoded = encodeURIComponent(name.utf8).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** The download response: the file as an attachment, never cached by shared caches, never sniffed as anything else. */
export function downloadResponse(file: DownloadFile): Response {
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(file.bytes.byteLength),
      'Content-Disposition': attachmentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
