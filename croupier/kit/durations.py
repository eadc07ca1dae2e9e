"""Lengths of time as people read them on a clock face."""


def duration(seconds: int) -> str:
    """42 -> '0:42', 3725 -> '1:02:05'."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
