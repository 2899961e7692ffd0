/**
 * Where lesson images and recordings live, without the Markdown parser
 * (app/domain/lesson-markdown.ts), so the lesson renderer can import it cheaply:
 * files in public/lesson-media/, served at /lesson-media/<name>.
 */
export const MEDIA_PREFIX = '/lesson-media/'
export const IMAGE_SRC = /^\/lesson-media\/[a-z0-9][a-z0-9-]*\.(svg|webp|avif|png|jpg)$/
export const AUDIO_SRC = /^\/lesson-media\/[a-z0-9][a-z0-9-]*\.(mp3|m4a|ogg)$/
/** Phones on slow data: an image may be at most 100 KB, a recording at most 3 MB. */
export const MAX_IMAGE_BYTES = 100 * 1024
export const MAX_AUDIO_BYTES = 3 * 1024 * 1024
export const VIDEO_SRC = /^\/lesson-media\/[a-z0-9][a-z0-9-]*\.(mp4|webm)$/
/**
 * Files a coordinator uploads in the lesson editor are named `u-<32 hex>` (an
 * image also has `u-<hex>-640`, its phone-sized copy) and live in the upload
 * directory, not in content/media; the same /lesson-media/ route serves both.
 */
export const UPLOADED_MEDIA = /^u-[0-9a-f]{32}(-640)?\.(webp|jpg|mp3|m4a|ogg|mp4|webm)$/
