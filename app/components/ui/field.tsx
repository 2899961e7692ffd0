import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react'

type Common = { label: ReactNode; error?: string | string[] | null; hint?: ReactNode; id: string; resetKey?: string }

function ErrorText({ id, error }: { id: string; error?: string | string[] | null }) {
  const text = Array.isArray(error) ? error[0] : error
  return text ? (
    <div className="field-error" id={`${id}-error`} role="alert">
      {text}
    </div>
  ) : null
}

export function Field({ label, error, hint, id, resetKey, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const hasError = Array.isArray(error) ? error.length > 0 : Boolean(error)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input key={resetKey} id={id} aria-invalid={hasError || undefined} aria-describedby={hasError ? `${id}-error` : undefined} {...input} />
      {hint ? <div className="hint">{hint}</div> : null}
      <ErrorText id={id} error={error} />
    </div>
  )
}

export function SelectField({ label, error, hint, id, resetKey, children, ...select }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const hasError = Array.isArray(error) ? error.length > 0 : Boolean(error)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select key={resetKey} id={id} aria-invalid={hasError || undefined} aria-describedby={hasError ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
      {hint ? <div className="hint">{hint}</div> : null}
      <ErrorText id={id} error={error} />
    </div>
  )
}

/**
 * Conform's get*Props carry a `key` that changes when the form is reset (for
 * example after a successful create), so uncontrolled inputs show their
 * defaults again. A key cannot travel as a prop, so it travels as `resetKey`
 * and the field puts it on its <input>/<select>.
 */
export function conformProps<P extends { key?: string }>(props: P): Omit<P, 'key'> & { resetKey?: string } {
  const { key, ...rest } = props
  return { ...rest, resetKey: key }
}
