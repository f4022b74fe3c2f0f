"""Fixed vocabularies of customer accounts, contacts, deals and feedback."""

from django.db import models


class Tier(models.TextChoices):
    """Where an account sits in the portfolio; also the tiers the portfolio scoring suggests."""

    KEY = "key", "Key account"
    DEVELOP = "develop", "Develop"
    MAINTAIN = "maintain", "Maintain"
    SERVE = "serve", "Serve efficiently"


class ProfileSectionKind(models.TextChoices):
    GOALS = "goals", "Company goals"
    STRUCTURE = "structure", "Company structure"
    MARKET_POSITION = "market_position", "Market position"
    TRENDS = "trends", "Industry trends"
    SWOT = "swot", "SWOT"
    FINANCIALS = "financials", "Financial performance"
    VALUE_CHAIN = "value_chain", "Value chain"
    COMPETITORS = "competitors", "Competitors"


SWOT_PARTS = ("strengths", "weaknesses", "opportunities", "threats")


class BuyingRole(models.TextChoices):
    ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
    TECHNICAL_BUYER = "technical_buyer", "Technical buyer"
    USER = "user", "User"
    INFLUENCER = "influencer", "Influencer"
    COACH = "coach", "Coach / champion"
    GATEKEEPER = "gatekeeper", "Gatekeeper"
    BLOCKER = "blocker", "Blocker"
    UNKNOWN = "unknown", "Not known yet"


class Attitude(models.TextChoices):
    """How the contact feels about us, from strong supporter to opponent (score 2 to -2)."""

    CHAMPION = "champion", "Strong supporter"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SCEPTIC = "sceptic", "Sceptic"
    OPPONENT = "opponent", "Opponent"


class RelationshipLevel(models.IntegerChoices):
    """How the contact sees us, from a vendor among many to a trusted advisor."""

    VENDOR = 1, "Vendor"
    PREFERRED_SUPPLIER = 2, "Preferred supplier"
    PROBLEM_SOLVER = 3, "Problem solver"
    STRATEGIC_PARTNER = 4, "Strategic partner"
    TRUSTED_ADVISOR = 5, "Trusted advisor"


class InteractionKind(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    EMAIL = "email", "E-mail"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class DealStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class DealStage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    ENGAGING = "engaging", "Engaging"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    WON = "won", "Won"
    LOST = "lost", "Lost"


STAGE_STATUS = {
    DealStage.PROSPECTING: DealStatus.OPEN,
    DealStage.ENGAGING: DealStatus.OPEN,
    DealStage.PROPOSAL: DealStatus.OPEN,
    DealStage.NEGOTIATION: DealStatus.OPEN,
    DealStage.WON: DealStatus.WON,
    DealStage.LOST: DealStatus.LOST,
}


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IssueStatus(models.TextChoices):
    """An issue is only closed once the customer has been told it is solved."""

    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved (customer not told yet)"
    CUSTOMER_INFORMED = "customer_informed", "Customer told it is solved"


class FeedbackChannel(models.TextChoices):
    REQUESTED = "requested", "Answer to our request"
    UNPROMPTED = "unprompted", "Given unprompted"
    REVIEW = "review", "Account review"
    SURVEY = "survey", "Survey"
