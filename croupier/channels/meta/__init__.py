"""Meta Graph webhooks: Facebook Messenger and Instagram messaging (and the shared parts WhatsApp uses)."""
