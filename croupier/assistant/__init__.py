"""The assistant: language detection and intent classification (offline, CPU)."""
