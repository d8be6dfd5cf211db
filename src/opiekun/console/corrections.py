"""Correcting logged work from the ticket page (issue 15, R-HRS-5): a new correcting
entry with a reason, never an edit. With htmx the work line's form answers itself, the
errors next to their fields and the typed reason kept."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opiekun.console.fielderrors import place_error
from opiekun.console.guards import staff_only
from opiekun.core import bounds
from opiekun.tariff import BillingError
from opiekun.tickets import access, actions, worklogs
from opiekun.tickets.models import WorkLog


class CorrectionForm(forms.Form):
    raw_minutes = forms.IntegerField(
        label=gettext_lazy("It really took (minutes)"),
        min_value=0,
        max_value=bounds.MAX_WORK_MINUTES,
        help_text=gettext_lazy("0 when it should not count at all."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def line_context(work: worklogs.Work, form: CorrectionForm | None = None) -> dict:
    return {
        "line": work,
        "form": form
        or CorrectionForm(initial={"raw_minutes": work.raw_minutes}, prefix=f"w{work.original.pk}"),
        "prefix": f"w{work.original.pk}",
    }


@require_POST
@staff_only
def correct(request: HttpRequest, ticket_id: int, work_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    work = found.work_logs.filter(pk=work_id, corrects__isnull=True).first()
    if work is None:
        raise Http404("No such work log")
    form = CorrectionForm(request.POST, prefix=f"w{work.pk}")
    done = ""
    if form.is_valid():
        try:
            actions.correct_work(
                work,
                raw_minutes=form.cleaned_data["raw_minutes"],
                reason=form.cleaned_data["reason"],
                staff=request.user.staff_member,  # type: ignore[union-attr]
                actor=request.user,
            )
            done = _("The work was corrected.")
        except BillingError as exc:
            place_error(form, str(exc), {"work": "raw_minutes"})
    if request.headers.get("HX-Request"):
        entries = list(WorkLog.objects.filter(pk=work.pk) | WorkLog.objects.filter(corrects=work))
        line = worklogs.folded(entries)[0]
        context = line_context(line, None if done else form)
        context["done"] = done
        return render(request, "console/_correction.html", context)
    if done:
        messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("console:ticket", ticket_id=found.pk)
