"""Background work for people: invitation e-mails."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kamkit.users.models import User


@task()
def send_invitation(user_id: int) -> bool:
    """E-mail a new person a one-time link to choose their password. False if nothing was sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    link = f"{settings.KAMKIT_BASE_URL.rstrip('/')}{path}"
    send_mail(
        subject="You have a kamkit account",
        message=(
            f"Hello {user.full_name},\n\n"
            "An account was opened for you in kamkit, the key account management system.\n"
            f"Choose your password here (the link works once):\n\n{link}\n\n"
            f"Then sign in with {user.email}.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True
