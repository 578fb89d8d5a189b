"""Input as data: binding tables that map keys and gamepad buttons to commands per scene; the
gamepads themselves (plugging in and out, the stick) in :mod:`.gamepad`."""
