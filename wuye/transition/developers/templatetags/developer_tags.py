from django import template

from wuye.transition.developers.workflow import action_label

register = template.Library()


@register.filter
def violation_action(action: str) -> str:
    """The timeline's label of an action (creation rows and the shared credit table)."""
    return action_label(action)


@register.filter
def violation_status(value: str) -> str:
    from wuye.transition.developers.models import DeveloperViolation

    return str(DeveloperViolation.Status(value).label) if value in DeveloperViolation.Status.values else value
