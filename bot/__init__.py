"""Telegram bot and console chat over the answer service."""
