from django import template

from kamkit.accounts.tabs import tabs_for

register = template.Library()


@register.simple_tag
def account_tabs(pk: int) -> list[tuple[str, str]]:
    return tabs_for(pk)
