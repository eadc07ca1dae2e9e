"""WhatsApp Business Cloud API channel."""
