"""Input as data: binding tables that map keys (later gamepad buttons) to commands per scene."""
