from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from kamkit.core.choices import Role
from kamkit.users.models import Team, User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class UserCreateForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=150)
    title = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ACCOUNT_MANAGER)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    manager = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label="Reports to"
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        help_text="Leave empty to e-mail the person a link to choose their own.",
    )


class UserAdminForm(forms.Form):
    """What an admin changes about a person."""

    full_name = forms.CharField(max_length=150)
    title = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=40, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    manager = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label="Reports to"
    )
    on_leave = forms.BooleanField(required=False)
    is_active = forms.BooleanField(required=False, label="Active (may sign in)")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager_field = self.fields["manager"]
        assert isinstance(manager_field, forms.ModelChoiceField)
        manager_field.queryset = User.objects.filter(is_active=True).exclude(pk=user.pk)


class ProfileForm(forms.Form):
    """What a person changes about themself."""

    full_name = forms.CharField(max_length=150)
    title = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=40, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'CRM sync'.")
