import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react'

type Common = { label: ReactNode; error?: string | string[] | null; hint?: ReactNode; id: string }

function ErrorText({ id, error }: { id: string; error?: string | string[] | null }) {
  const text = Array.isArray(error) ? error[0] : error
  return text ? (
    <div className="field-error" id={`${id}-error`} role="alert">
      {text}
    </div>
  ) : null
}

export function Field({ label, error, hint, id, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const hasError = Array.isArray(error) ? error.length > 0 : Boolean(error)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={hasError || undefined} aria-describedby={hasError ? `${id}-error` : undefined} {...input} />
      {hint ? <div className="hint">{hint}</div> : null}
      <ErrorText id={id} error={error} />
    </div>
  )
}

export function SelectField({
  label,
  error,
  hint,
  id,
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const hasError = Array.isArray(error) ? error.length > 0 : Boolean(error)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={hasError || undefined} aria-describedby={hasError ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
      {hint ? <div className="hint">{hint}</div> : null}
      <ErrorText id={id} error={error} />
    </div>
  )
}

/**
 * Conform's get*Props include a `key` that changes when the form is reset;
 * spread onto a component it remounts the field and loses what was typed
 * after a failed check. Our fields are uncontrolled, so drop it.
 */
export function noKey<P extends { key?: unknown }>(props: P): Omit<P, 'key'> {
  const { key: _key, ...rest } = props
  return rest
}
