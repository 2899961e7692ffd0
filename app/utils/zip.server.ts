/** ZIP downloads streamed with fflate: each file is produced only when the client pulls for more. */
import { Zip, ZipPassThrough } from 'fflate'

/** A ReadableStream of the ZIP of `files` (stored, not deflated: PDFs are compressed already). */
export function zipStream(files: AsyncIterator<{ name: string; bytes: Uint8Array }>): ReadableStream<Uint8Array> {
  let zip: Zip
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error)
        if (chunk.length) controller.enqueue(chunk)
        if (final) controller.close()
      })
    },
    async pull() {
      const next = await files.next()
      if (next.done) return void zip.end()
      const file = new ZipPassThrough(next.value.name)
      zip.add(file)
      file.push(next.value.bytes, true)
    },
  })
}
