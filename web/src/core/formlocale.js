// Forms carry their other languages in each component's custom `properties` (what Camunda Modeler
// and the form-js editor let a designer type): `label:fa` (the label), `value:fa:<value>` (an
// option's label), `text:fa` (a text component's markdown), and likewise `description:fa`,
// `placeholder:fa`, `dateLabel:fa` and `timeLabel:fa` (a date-time field's two labels),
// `prefixAdorner:fa` and `suffixAdorner:fa` (appearance) and `patternErrorMessage:fa` (validation).
// localizeSchema(schema, 'fa') answers a copy with those in place, for form-js to show; the keys, values
// and validation rules stay as they are, so the data sent back is the same.

const TEXTS = ['label', 'text', 'description', 'placeholder', 'dateLabel', 'timeLabel'];
const APPEARANCE = ['prefixAdorner', 'suffixAdorner'];

function localized(props, name, locale) {
  const value = props[`${name}:${locale}`];
  return typeof value === 'string' && value.trim() ? value : null;
}

function localizeComponent(component, locale) {
  const props = component.properties || {};
  const out = { ...component };
  for (const name of TEXTS) {
    const value = localized(props, name, locale);
    if (value) out[name] = value;
  }
  // a date field labelled only with `label:fa` shows that label above its date
  if (component.type === 'datetime' && !localized(props, 'dateLabel', locale) && component.dateLabel) {
    const label = localized(props, 'label', locale);
    if (label) out.dateLabel = label;
  }
  if (component.appearance && APPEARANCE.some((name) => localized(props, name, locale))) {
    out.appearance = { ...component.appearance };
    for (const name of APPEARANCE) out.appearance[name] = localized(props, name, locale) ?? component.appearance[name];
  }
  const pattern = localized(props, 'patternErrorMessage', locale);
  if (pattern && component.validate) out.validate = { ...component.validate, patternErrorMessage: pattern };
  if (Array.isArray(component.values)) {
    out.values = component.values.map((option) => {
      const label = props[`value:${locale}:${option.value}`];
      return typeof label === 'string' && label.trim() ? { ...option, label } : option;
    });
  }
  if (Array.isArray(component.components)) {
    out.components = component.components.map((child) => localizeComponent(child, locale));
  }
  return out;
}

export function localizeSchema(schema, locale) {
  if (!schema || !Array.isArray(schema.components) || !locale || locale === 'en') return schema;
  return { ...schema, components: schema.components.map((component) => localizeComponent(component, locale)) };
}
