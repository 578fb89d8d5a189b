"""Scenes: menu, play and overlays (later watch, takeover, versus, train), on a stack."""
