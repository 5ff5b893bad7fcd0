"""The base of every page form (tests/test_crafted_input.py checks that none is left out)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from jit.services import values


class Form(FlaskForm):
    """A number the database cannot hold, in any field (a number field, a select's id, a list of
    ids), is that field's error and leaves its data empty: neither a form that fails validation
    nor one read without validating passes it on to a service. Text that
    cannot be stored never gets this far: the request refuses it (jit/inputs.py)."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        for field in self:
            refused = values.refusals(field.data)
            if refused:
                field.data = [] if isinstance(field.data, list | tuple) else None
                field.process_errors.extend(str(why) for why in refused.values())
