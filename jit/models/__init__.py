"""SQLAlchemy 2 typed models, one module per aggregate (DESIGN.md, "Layout")."""

from jit.models.registry import Authority, AuthorityKind, Party
from jit.models.socket_connection import SocketConnection
from jit.models.user import ApiToken, Role, User, UserRole

__all__ = ["ApiToken", "Authority", "AuthorityKind", "Party", "Role", "SocketConnection", "User", "UserRole"]
