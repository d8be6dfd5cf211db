"""Questions about a month before it is approved, on the portal (issue 21, item 3): a
contact questions a line of the standing statement with a reason and follows the
vendor's answer and decision on the statement's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opiekun.contracts import access
from opiekun.core.forms import sentence
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.reports import disputes, wording


class QuestionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with this line?"),
        max_length=disputes.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@contacts_only
def question(
    request: HttpRequest, contact: Contact, statement_id: int, line_id: int
) -> HttpResponse:
    found = access.statement_for(request.user, statement_id)
    line = found.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such line")
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disputes.raise_dispute(
                contact, line=line, reason=form.cleaned_data["reason"], actor=request.user
            )
        except disputes.DisputeError as exc:
            form.add_error("reason", sentence(exc))
        else:
            messages.success(
                request, _("Your question was sent to the vendor; the statement waits for it.")
            )
            return redirect("portal:statement", statement_id=found.pk)
    return render(
        request,
        "portal/dispute_new.html",
        {
            "statement": found,
            "line": line,
            "description": wording.line(line.description),
            "form": form,
        },
    )
