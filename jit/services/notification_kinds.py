"""The kinds of notification (issue 17) and what each says, apart so that the inbox and the
person's choices of how to hear of them (notification_settings) both build on them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# What each kind says, with the parameters `tell` stored (`actor` is the actor's name at read time).
KINDS = {
    "mention": _l("%(actor)s mentioned you in %(group)s, channel %(channel)s"),
    "task.assigned": _l("%(actor)s assigned you the task “%(title)s”"),
    "task.reassigned": _l("%(actor)s changed who works on the task “%(title)s”"),
    "task.commented": _l("%(actor)s commented on the task “%(title)s”"),
    "task.blocked": _l("%(actor)s marked the task “%(title)s” blocked: %(reason)s"),
    "task.due_tomorrow": _l("The task “%(title)s” is due tomorrow"),
    "task.overdue": _l("The task “%(title)s” is overdue"),
    "instruction.sent": _l("%(actor)s sent your team the instruction “%(title)s”"),
    "instruction.accepted": _l("%(actor)s accepted the instruction “%(title)s”"),
    "instruction.refused": _l("%(actor)s refused the instruction “%(title)s”: %(reason)s"),
    "instruction.results": _l("%(actor)s reported results of the instruction “%(title)s”"),
    "instruction.executed": _l("%(actor)s marked the instruction “%(title)s” executed"),
    "instruction.due_soon": _l("The instruction “%(title)s” is due in 3 days"),
    "instruction.overdue": _l("The instruction “%(title)s” is overdue"),
    "evidence.handed_over": _l("%(actor)s handed the item %(title)s over to you"),
    "evidence.consent_requested": _l("%(actor)s asks for your party's consent to use the item %(title)s"),
    "evidence.consent_recorded": _l("%(actor)s recorded the consent to use the item %(title)s"),
    "evidence.hash_failed": _l("The hash check of the item %(title)s failed"),
    "member.added": _l("%(actor)s added you to the group %(title)s"),
    "member.removed": _l("%(actor)s removed you from the group %(title)s"),
    "group.decision": _l("%(actor)s filed a decision in the group %(title)s"),
    "group.status": _l("%(actor)s changed the status of the group %(title)s"),
    "group.term_30": _l("The term of the group %(title)s ends in 30 days"),
    "group.term_7": _l("The term of the group %(title)s ends in 7 days"),
    "group.term_past": _l("The term of the group %(title)s has ended"),
    "compliance.error": _l("A compliance check found an error in the group %(title)s (%(rule)s)"),
    "legal_request.overdue": _l("The legal assistance request %(title)s is overdue without an answer"),
    "identifier.inquiry": _l("%(actor)s sent a match inquiry about an identifier the group %(title)s holds"),
}
# A match inquiry's notice is about the holding group (its deciders may see it, the inquiry is not a
# group's record); it leads to the inquiries page, where they decide.
INQUIRY_RECEIVED = "identifier.inquiry"
