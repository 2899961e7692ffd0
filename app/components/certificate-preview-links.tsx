import type { CertificateType } from '#app/domain/certificates.ts'
import { useT } from '#app/utils/i18n.ts'

/** Links to the certificate templates filled with sample data (/coordinator/certificates/preview/:type), for the issue and batch pages. */
export function CertificatePreviewLinks({ types }: { types: readonly string[] }) {
  const t = useT()
  if (types.length === 0) return null
  return (
    <p className="muted" data-testid="certificate-preview-links">
      {t('certView.previewHint')}{' '}
      {types.map((type, i) => (
        <span key={type}>
          {i > 0 ? '、' : null}
          <a href={`/coordinator/certificates/preview/${type}`} target="_blank" rel="noreferrer">
            {t(`certificates.type.${type as CertificateType}`)}
          </a>
        </span>
      ))}
    </p>
  )
}
