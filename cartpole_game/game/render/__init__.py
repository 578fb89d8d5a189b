"""Drawing. Functions here draw a given state and change nothing: the same state, the same picture."""
