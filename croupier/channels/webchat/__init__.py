"""The embeddable web chat widget's channel: visitor sessions, operator-signed identity, messages."""
