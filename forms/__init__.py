"""User-task forms: form-js JSON (as Camunda Modeler and the bpmn.io form editor write it) -> a
marshmallow schema that validates what a user submits.  A leaf package: stdlib + marshmallow only.

    form = load_form(path.read_bytes(), filename=path.name)   # FormError if the form is unusable
    clean = form.validate(request_json)                       # FormDataInvalid(field_errors) if not
    clean = form.validate(request_json, context=variables)    # conditional.hide also sees variables

``conditional.hide`` expressions (a FEEL subset, see ``forms.feel``) are evaluated on the submitted
data over the context: a hidden component is dropped and not checked, a shown one is checked in
full.  One outside the subset leaves its component optional and is listed in
``form.unevaluated_conditions``.
"""

from forms.errors import FormDataInvalid, FormError
from forms.form import Form, load_form, validate_data

__all__ = ["Form", "FormDataInvalid", "FormError", "load_form", "validate_data"]
