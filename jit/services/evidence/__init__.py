"""Evidence and its chain of custody (DOMAIN.md "Evidence item", "Custody event"; AGR-USE, AGR-CUSTODY).

This package is the evidence service's public face: the doors, the CLI and the tests call the use
cases and read the constants listed in `__all__` through it (`from jit.services import evidence;
evidence.register(...)`). Each concern has its module, none importing one listed after it:

- `access`: who may do what, the AGR-USE consent to leave the group, loading an item with rights checked;
- `chain`: the custody events and their entries in the group's ledger `evidence/<gid>`;
- `reading`: the register, an item, its chain and files;
- `registration`: registering an item and attaching its files;
- `custody_events`: the events members record, the originating party's consent;
- `ledger`: the signed checkpoint, the entries and the proofs of the group's ledger;
- `export`: the bundle a court checks without the platform;
- `verification`: the ledger, every chain and every shown field checked against the entries.

Every custody event is appended, in the same transaction, to the group's ledger (API.md "Ledger
format"); the current custodian is derived from the events. Writes in one group are serialised by
a lock on the group's row, so item numbers, each item's `seq` and the ledger stay consistent under
concurrent requests. The ledger holds everything that bears on admissibility: the item as
registered, each file's name, size and hash, and each consent of the originating party.
"""

from jit.services.evidence.access import (
    consent_designee,
    consent_recorder_choices,
    in_group,
    may_designate_consent_recorder,
    may_leave_group,
)
from jit.services.evidence.chain import NOTE_LIMIT, PLACE_LIMIT, ledger_name
from jit.services.evidence.custody_events import (
    EVENT_ACTIONS,
    RECORDABLE,
    allowed_actions,
    designate_consent_recorder,
    record_consent,
    record_event,
    verify_files,
)
from jit.services.evidence.export import export_bundle
from jit.services.evidence.ledger import checkpoint, consistency, entries, inclusion
from jit.services.evidence.reading import custody, file_content, get_item, list_items
from jit.services.evidence.registration import TEXT_LIMITS, attach_file, register
from jit.services.evidence.verification import (
    Verification,
    groups_with_evidence,
    verify_chains,
    verify_group,
    verify_item_chain,
)

__all__ = [
    "EVENT_ACTIONS",
    "NOTE_LIMIT",
    "PLACE_LIMIT",
    "RECORDABLE",
    "TEXT_LIMITS",
    "Verification",
    "allowed_actions",
    "attach_file",
    "checkpoint",
    "consent_designee",
    "consent_recorder_choices",
    "consistency",
    "custody",
    "designate_consent_recorder",
    "entries",
    "export_bundle",
    "file_content",
    "get_item",
    "groups_with_evidence",
    "in_group",
    "inclusion",
    "ledger_name",
    "list_items",
    "may_designate_consent_recorder",
    "may_leave_group",
    "record_consent",
    "record_event",
    "register",
    "verify_chains",
    "verify_files",
    "verify_group",
    "verify_item_chain",
]
