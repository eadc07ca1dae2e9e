"""The generic API channel: the operator's own systems as the provider."""
