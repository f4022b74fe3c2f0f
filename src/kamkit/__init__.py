"""kamkit: key account management for B2B companies that live off a few large customers."""

__version__ = "0.1.0"
