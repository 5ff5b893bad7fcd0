"""SQLAlchemy 2 typed models, one module per aggregate (DESIGN.md, "Layout")."""

from jit.models.audit import AuditEvent, LedgerCheckpoint, LedgerHead, LedgerNode
from jit.models.registry import Authority, AuthorityKind, Party
from jit.models.socket_connection import SocketConnection
from jit.models.user import ApiToken, RecoveryCode, Role, User, UserRole

__all__ = [
    "ApiToken", "AuditEvent", "Authority", "AuthorityKind", "LedgerCheckpoint", "LedgerHead", "LedgerNode",
    "Party", "RecoveryCode", "Role", "SocketConnection", "User", "UserRole",
]
