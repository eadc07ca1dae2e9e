"""Every ORM class, one file per aggregate. Importing this package registers them all."""

from croupier.models.assistant import (
                                          AssistantSettings,
                                          AssistantState,
                                          AssistantTurn,
                                          HandoffReason,
                                          IntentReview,
                                          TurnAction,
)
from croupier.models.audit import AuditEntry
from croupier.models.base import Base
from croupier.models.brand import Brand, Channel, ChannelType
from croupier.models.call import CallDirection, CallLog, CallOutcome
from croupier.models.conversation import (
                                          Attachment,
                                          AuthorType,
                                          Conversation,
                                          DeliveryState,
                                          Message,
                                          Priority,
                                          Status,
                                          Tag,
                                          conversation_tags,
)
from croupier.models.inbound import InboundEvent, InboundState
from croupier.models.job import Job, JobState
from croupier.models.kb import (
                                          Article,
                                          ArticleStatus,
                                          ArticleTranslation,
                                          ArticleVersion,
                                          ArticleVote,
                                          HelpCentreContacts,
                                          KbCategory,
                                          KbPassage,
)
from croupier.models.macro import Macro
from croupier.models.playbook import Playbook, PlaybookRun, PlaybookTick, PlaybookVersion
from croupier.models.player import Player, PlayerIdentity
from croupier.models.public import PublicVersion
from croupier.models.staff import (
                                          ApiToken,
                                          RecoveryCode,
                                          Role,
                                          StaffSession,
                                          Team,
                                          User,
                                          user_brands,
                                          user_teams,
)
from croupier.models.transparency import (
                                          Direction,
                                          Game,
                                          GameMonth,
                                          Helpline,
                                          Licence,
                                          MethodKind,
                                          PageKind,
                                          PageVersion,
                                          PaymentMethod,
                                          PaymentTransaction,
                                          TransactionStatus,
)

__all__ = [
    "AssistantSettings", "AssistantState", "AssistantTurn", "HandoffReason", "IntentReview", "TurnAction",
    "ApiToken", "Article", "ArticleStatus", "ArticleTranslation", "ArticleVersion", "ArticleVote",
    "HelpCentreContacts", "KbCategory", "KbPassage", "Attachment", "AuditEntry", "AuthorType", "Base", "Brand", "CallDirection", "CallLog", "CallOutcome",
    "Channel", "ChannelType",
    "Conversation", "DeliveryState", "InboundEvent", "InboundState", "Job", "JobState", "Message", "Player", "PlayerIdentity", "Priority", "PublicVersion",
    "RecoveryCode", "Role", "StaffSession", "Status", "Tag", "Team", "User", "conversation_tags",
    "user_brands", "user_teams",
    "Direction", "Game", "GameMonth", "Helpline", "Licence", "MethodKind", "PageKind", "PageVersion",
    "PaymentMethod", "PaymentTransaction", "TransactionStatus",
    "Macro", "Playbook", "PlaybookRun", "PlaybookTick", "PlaybookVersion",
]
