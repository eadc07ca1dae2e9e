"""Phone calls on a conversation: the call log kept by the voice channel, agents and the API."""
