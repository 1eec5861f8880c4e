// Forms carry their other languages in each component's custom `properties` (what Camunda Modeler
// and the form-js editor let a designer type): `label:fa` (the label), `value:fa:<value>` (an
// option's label), `text:fa` (a text component's markdown), and likewise `description:fa` and
// `placeholder:fa`. localizeSchema(schema, 'fa') answers a copy with those in place, for form-js to
// show; the keys, values and validation stay as they are, so the data sent back is the same.

const TEXTS = ['label', 'text', 'description', 'placeholder'];

function localizeComponent(component, locale) {
  const props = component.properties || {};
  const out = { ...component };
  for (const name of TEXTS) {
    const value = props[`${name}:${locale}`];
    if (typeof value === 'string' && value.trim()) out[name] = value;
  }
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
