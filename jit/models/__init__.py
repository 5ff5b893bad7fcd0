"""SQLAlchemy 2 typed models, one module per aggregate (DESIGN.md, "Layout")."""

from jit.models.audit import AuditEvent, LedgerCheckpoint, LedgerHead, LedgerNode
from jit.models.case import CriminalCase
from jit.models.channel import (
    Channel,
    ChannelKind,
    ChannelMember,
    ChannelSubscription,
    Message,
    MessageRevision,
    ReadPosition,
    RevisionAction,
)
from jit.models.compliance import ComplianceRuleSetting, GroupCheck, GroupFinding
from jit.models.evaluation import GroupEvaluation
from jit.models.evidence import (
    CustodyEvent,
    CustodyType,
    EvidenceConsent,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
)
from jit.models.group import (
    DecisionKind,
    DocumentKind,
    GroupDocument,
    GroupEvent,
    GroupStatus,
    JointGroup,
    MemberRole,
    Membership,
    NationalTeam,
)
from jit.models.identifier import Identifier, IdentifierInquiry, IdentifierSighting, InquiryStatus
from jit.models.instruction import (
    Instruction,
    InstructionDocument,
    InstructionEvent,
    InstructionResult,
    InstructionStatus,
)
from jit.models.legal_request import Direction, Instrument, LegalRequest, RequestKind, RequestStatus
from jit.models.notification import Notification, NotificationSettings, OutgoingMail
from jit.models.registry import Authority, AuthorityKind, Party
from jit.models.search import SearchEntry
from jit.models.socket_connection import SocketConnection, SocketServer
from jit.models.task import Task, TaskAssignment, TaskChange, TaskComment, TaskPriority, TaskStatus
from jit.models.user import (
    ApiToken,
    KnownSignInAddress,
    PreviousPassword,
    RecoveryCode,
    Role,
    SignInFailure,
    User,
    UserRole,
    UserSession,
)

__all__ = [
    "ApiToken", "AuditEvent", "Authority", "AuthorityKind", "Channel", "ChannelKind", "ChannelMember",
    "ChannelSubscription", "ComplianceRuleSetting", "CriminalCase", "CustodyEvent", "CustodyType", "DecisionKind",
    "Direction", "DocumentKind", "EvidenceConsent", "EvidenceFile", "EvidenceItem", "EvidenceKind",
    "EvidenceStatus", "GroupCheck", "GroupDocument", "GroupEvaluation", "GroupEvent",
    "GroupFinding", "GroupStatus", "Identifier", "IdentifierInquiry", "IdentifierSighting", "InquiryStatus",
    "Instruction",
    "InstructionDocument", "InstructionEvent", "InstructionResult", "InstructionStatus", "Instrument", "JointGroup",
    "KnownSignInAddress",
    "LedgerCheckpoint", "LedgerHead", "LedgerNode", "LegalRequest", "MemberRole", "Membership", "Message",
    "MessageRevision", "NationalTeam", "Notification", "NotificationSettings", "OutgoingMail", "Party",
    "PreviousPassword", "ReadPosition", "RecoveryCode",
    "RequestKind", "RequestStatus", "RevisionAction", "Role", "SearchEntry", "SignInFailure", "SocketConnection",
    "SocketServer",
    "Task", "TaskAssignment", "TaskChange", "TaskComment", "TaskPriority", "TaskStatus", "User", "UserRole",
    "UserSession",
]
