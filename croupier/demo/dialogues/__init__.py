"""About forty demo conversations, written as players write, in the five languages."""

from croupier.demo.dialogues import az, en, fi, pl, ru

ALL = [*en.DIALOGUES, *ru.DIALOGUES, *pl.DIALOGUES, *az.DIALOGUES, *fi.DIALOGUES]
