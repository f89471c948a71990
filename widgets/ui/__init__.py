"""Shared building blocks of the course's explorers: controls, explorer, theme, quiz, references."""
