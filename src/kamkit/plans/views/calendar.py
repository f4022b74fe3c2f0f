"""The calendar page and the secret iCalendar feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kamkit.core.forms import acting_user as _acting
from kamkit.plans import ics, queries, services
from kamkit.plans.models import CalendarFeed

# Calendar --------------------------------------------------------------------------------------------


def calendar_page(request: HttpRequest) -> HttpResponse:
    """Subscribe to your plan actions in a calendar program; the address is shown once."""
    user = _acting(request)
    new_url = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            with transaction.atomic():
                services.revoke_calendar_token(user=user)
            messages.success(request, "Calendar address switched off.")
            return redirect("plans:calendar")
        with transaction.atomic():
            token = services.rotate_calendar_token(user=user)
        new_url = request.build_absolute_uri(reverse("plans:calendar_feed", args=[token]))
    feed = CalendarFeed.objects.filter(user=user).first()
    count = queries.calendar_occurrences(user).count()
    return render(request, "plans/calendar.html", {"feed": feed, "new_url": new_url, "count": count})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret iCalendar address: no session (calendar programs have none); the token is the key."""
    user = queries.calendar_user(token)
    if user is None:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(user=user).update(last_fetched_at=timezone.now())
    body = ics.build_calendar(
        queries.calendar_occurrences(user),
        base_url=settings.KAMKIT_BASE_URL,
        owner_name=str(user),
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kamkit-plan-actions.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
