/**
 * Lesson text: HTML the server rendered from the lesson's Tiptap JSON with
 * `renderLessonHtml` (app/domain/lesson-render.ts: Tiptap's static renderer
 * through THE lesson schema; anything outside it renders nothing, text and
 * attributes escaped). Pass only that function's output. No editor code and
 * no renderer reach the learner's browser: this component only places the
 * string.
 */
export function RichText({ html }: { html: string }) {
  return <div className="rich-text" data-testid="lesson-body" dangerouslySetInnerHTML={{ __html: html }} />
}
