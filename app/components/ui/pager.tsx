import { Link } from '@remix-run/react'
import { useT } from '#app/utils/i18n.ts'

/** 上一页 · 第 2 / 3 页 · 下一页 as GET links (work without JavaScript); nothing when there is one page. */
export function Pager({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  const t = useT()
  if (pages <= 1) return null
  return (
    <nav className="pager" aria-label={t('coordinator.board.pages')}>
      {page > 1 ? (
        <Link className="button secondary" to={href(page - 1)} rel="prev">
          {t('coordinator.board.prev')}
        </Link>
      ) : null}
      <span className="muted">{t('coordinator.board.pageOf', { page, pages })}</span>
      {page < pages ? (
        <Link className="button secondary" to={href(page + 1)} rel="next">
          {t('coordinator.board.next')}
        </Link>
      ) : null}
    </nav>
  )
}
