"""The Telegram bot: people reach aidcoord without a web account (Bot API over a webhook).

Telegram posts each update to POST /telegram/webhook; the webhook checks the secret header, stores the update
once by its update_id and queues a `telegram.update` job; `flask worker` runs the conversation and sends the
replies. A Telegram person gets an account of their own without a password (they cannot sign in on the web),
so every rule of the web (daily limits, consent, self-declared vulnerability, their own case only) applies as is.
"""
