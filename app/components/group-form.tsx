import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import type { z } from 'zod'
import { conformProps, Field, SelectField } from '#app/components/ui/field.tsx'
import { groupFormSchema } from '#app/domain/catalog-forms.ts'
import { ROUND_TAGS } from '#app/domain/rounds.ts'
import { useT } from '#app/utils/i18n.ts'

type Option = { id: string; code: string; name: string }
type Shape = z.input<ReturnType<typeof groupFormSchema>>
/** A teacher-training course a round may take as an online module. */
type ModuleOption = Option & { lessons: number; hours: number }
export type GroupFormProps = {
  mode: 'create' | 'update'
  kind: 'class' | 'round'
  options: { majors: Option[]; regions: (Option & { path: string })[]; organizations: Option[]; modules: ModuleOption[] }
  defaultValue: Partial<Record<Exclude<keyof Shape, 'courseIds' | 'tags'>, string>> & { courseIds?: string[]; tags?: string[] }
  lastResult?: SubmissionResult<string[]> | null
  submitLabel: string
}

/** The class/round form (fields depend on the kind), shared by the new and edit pages. */
export function GroupForm({ mode, kind, options, defaultValue, lastResult, submitLabel }: GroupFormProps) {
  const t = useT()
  const [form, fields] = useForm<Shape>({
    lastResult,
    defaultValue,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: groupFormSchema(t, { creating: mode === 'create' }) }),
  })
  // Indent regions under the top one(s) of the user's scope.
  const top = Math.min(...options.regions.map((r) => r.path.split('/').length))
  const depth = (path: string) => '\u3000'.repeat(Math.max(0, path.split('/').length - top))
  return (
    <Form method="post" className="card" {...getFormProps(form)}>
      <input type="hidden" name="intent" value={mode} />
      <input type="hidden" name="kind" value={kind} />
      {defaultValue.template ? <input type="hidden" name="template" value={defaultValue.template} /> : null}
      {form.errors?.length ? (
        <p className="field-error" role="alert">
          {form.errors[0]}
        </p>
      ) : null}
      {mode === 'create' ? (
        <Field
          label={t('catalog.groups.code')}
          hint={t('catalog.groups.codeHint')}
          error={fields.code.errors}
          autoComplete="off"
          maxLength={30}
          {...conformProps(getInputProps(fields.code, { type: 'text' }))}
          id={fields.code.id}
        />
      ) : null}
      <Field
        label={t('catalog.groups.name')}
        error={fields.name.errors}
        maxLength={50}
        {...conformProps(getInputProps(fields.name, { type: 'text' }))}
        id={fields.name.id}
      />
      {kind === 'class' ? (
        <SelectField label={t('catalog.groups.major')} error={fields.majorId.errors} {...conformProps(getSelectProps(fields.majorId))} id={fields.majorId.id}>
          <option value="">—</option>
          {options.majors.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      <SelectField label={t('catalog.groups.region')} error={fields.regionId.errors} {...conformProps(getSelectProps(fields.regionId))} id={fields.regionId.id}>
        <option value="">—</option>
        {options.regions.map((r) => (
          <option key={r.id} value={r.id}>
            {depth(r.path)}
            {r.name}（{r.code}）
          </option>
        ))}
      </SelectField>
      <SelectField
        label={`${t('catalog.groups.organization')}（${t('common.optional')}）`}
        error={fields.organizationId.errors}
        {...conformProps(getSelectProps(fields.organizationId))}
        id={fields.organizationId.id}
      >
        <option value="">—</option>
        {options.organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <div className="row">
        <Field
          label={t('catalog.groups.start')}
          error={fields.startDate.errors}
          {...conformProps(getInputProps(fields.startDate, { type: 'date' }))}
          id={fields.startDate.id}
        />
        {kind === 'round' ? (
          <Field
            label={t('catalog.groups.end')}
            error={fields.endDate.errors}
            {...conformProps(getInputProps(fields.endDate, { type: 'date' }))}
            id={fields.endDate.id}
          />
        ) : null}
      </div>
      {kind === 'round' ? (
        <Field
          label={t('catalog.groups.requiredHours')}
          hint={t('catalog.groups.requiredHoursHint')}
          error={fields.requiredHours.errors}
          inputMode="decimal"
          {...conformProps(getInputProps(fields.requiredHours, { type: 'text' }))}
          id={fields.requiredHours.id}
        />
      ) : null}
      {kind === 'round' ? (
        <>
          <fieldset className="card" aria-describedby={form.allErrors.plan ? `${form.id}-plan-error` : undefined}>
            <legend>{t('rounds.form.programme')}</legend>
            <p className="hint">{t('rounds.form.programmeHint')}</p>
            <div className="row">
              {(
                [
                  ['plannedConcentratedHours', 'rounds.form.plannedConcentrated'],
                  ['plannedOnlineHours', 'rounds.form.plannedOnline'],
                  ['plannedSchoolBasedHours', 'rounds.form.plannedSchoolBased'],
                ] as const
              ).map(([name, label]) => (
                <Field
                  key={name}
                  label={t(label)}
                  error={fields[name].errors}
                  inputMode="decimal"
                  {...conformProps(getInputProps(fields[name], { type: 'text' }))}
                  id={fields[name].id}
                />
              ))}
            </div>
            {form.allErrors.plan?.length ? (
              <p className="field-error" role="alert" id={`${form.id}-plan-error`}>
                {form.allErrors.plan[0]}
              </p>
            ) : null}
            <fieldset className="plain" id={fields.courseIds.id}>
              <legend>
                <strong>{t('rounds.form.modules')}</strong>
              </legend>
              <div className="hint">{t('rounds.form.modulesHint')}</div>
              {options.modules.length === 0 ? <p className="muted">{t('rounds.form.noModules')}</p> : null}
              {options.modules.map((m) => (
                <label key={m.id} className="check">
                  <input type="checkbox" name={fields.courseIds.name} value={m.id} defaultChecked={defaultValue.courseIds?.includes(m.id)} />{' '}
                  {t('rounds.form.moduleLine', { name: m.name, code: m.code, lessons: m.lessons, hours: m.hours.toFixed(1) })}
                </label>
              ))}
              {fields.courseIds.errors?.length ? (
                <p className="field-error" role="alert">
                  {fields.courseIds.errors[0]}
                </p>
              ) : null}
            </fieldset>
          </fieldset>
          <fieldset className="card" id={fields.tags.id}>
            <legend>{t('rounds.tags')}</legend>
            <div className="hint">{t('rounds.form.tagsHint')}</div>
            <div className="row">
              {ROUND_TAGS.map((tag) => (
                <label key={tag} className="check">
                  <input type="checkbox" name={fields.tags.name} value={tag} defaultChecked={defaultValue.tags?.includes(tag)} /> {t(`rounds.tag.${tag}`)}
                </label>
              ))}
            </div>
            {fields.tags.errors?.length ? (
              <p className="field-error" role="alert">
                {fields.tags.errors[0]}
              </p>
            ) : null}
          </fieldset>
        </>
      ) : null}
      <button type="submit" className="block">
        {submitLabel}
      </button>
    </Form>
  )
}
