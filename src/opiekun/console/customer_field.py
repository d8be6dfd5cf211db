"""A customer field for the console's forms that does not list every customer (2,000 of
them at a large vendor: the options alone were most of a page's time and weight). It
offers the chosen one only; typing in the search field beside it (the template
``console/_customer_search.html``) fetches the matches (htmx, ``customer_suggestions``).
The field still validates against every organisation its queryset holds."""

from __future__ import annotations

from django import forms

from opiekun.customers.models import Organisation


def whole_number(value: object) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 18 else None


def offer_only_chosen(form: forms.Form, name: str) -> None:
    """Narrows the options of ``form``'s customer field ``name`` to the submitted one."""
    wanted = whole_number(form.data.get(name)) if form.is_bound else None
    chosen = Organisation.objects.filter(pk=wanted) if wanted else Organisation.objects.none()
    field = form.fields[name]
    field.widget.choices = [("", "—"), *((o.pk, o.name) for o in chosen)]
