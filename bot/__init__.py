"""The Intercultural Cities practice bot: find, follow and share good practice examples."""
