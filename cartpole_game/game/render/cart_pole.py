"""The cart and its pole as the player sees them: the cart's shadow, body and wheels, the pole
(reddening as it leans towards its limit), the pivot, and the arrows for a push and for an
agent's hint. Positions come in screen pixels; the arena works them out."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.primitives import draw_arrow, lerp_color
from cartpole_game.game.render.theme import Palette
from cartpole_game.game.render.transform import CartGeometry, WorldView, pole_tip, world_to_screen

Point = tuple[float, float]


def draw_cart_shadow(
    surface: pygame.Surface, pal: Palette, geo: CartGeometry, cart_at: Point, scale: float
) -> None:
    """A flat ellipse on the rail under the cart at ``cart_at`` (its centre on the ground)."""
    cx, ground_y = cart_at
    shadow = pygame.Rect(0, 0, geo.cart_width * scale * 1.2, 10)
    shadow.center = (round(cx), round(ground_y + 5))
    pygame.draw.ellipse(surface, pal.rail_shadow, shadow)


def draw_pole(
    surface: pygame.Surface,
    view: WorldView,
    pal: Palette,
    geo: CartGeometry,
    pose: tuple[float, float],
    theta_limit: float,
    faded: bool,
) -> Point:
    """The pole at ``pose`` = (x, theta) in world units; returns its tip on the screen.

    It turns red over the second half of the way to ``theta_limit``; ``faded`` dims it into the
    sky (an arena that is over).
    """
    x, theta = pose
    scale = view.pixels_per_metre
    danger = abs(theta) / theta_limit
    pole_color = lerp_color(pal.pole, pal.pole_danger, (danger - 0.5) * 2)
    if faded:
        pole_color = lerp_color(pole_color, pal.sky_bottom, 0.6)
    pivot = world_to_screen(x, geo.pivot_height, view)
    tip = world_to_screen(*pole_tip(x, theta, geo), view)
    pygame.draw.aaline(surface, pole_color, pivot, tip, max(3, round(geo.pole_width * scale)))
    pygame.draw.aacircle(surface, pole_color, tip, max(2, geo.pole_width * scale / 2))
    return tip


def cart_body(geo: CartGeometry, cart_at: Point, scale: float) -> pygame.Rect:
    """The cart's body on the screen, for ``cart_at`` = (centre x, ground y) in pixels."""
    body = pygame.Rect(0, 0, round(geo.cart_width * scale), round(geo.cart_height * scale))
    body.midbottom = (round(cart_at[0]), round(cart_at[1] - geo.wheel_radius * scale * 1.2))
    return body


def cart_extent(geo: CartGeometry, cart_at: Point, scale: float) -> pygame.Rect:
    """The body and the wheels down to the ground: what nothing else may cover."""
    body = cart_body(geo, cart_at, scale)
    return pygame.Rect(body.left, body.top, body.width, max(1, round(cart_at[1]) - body.top))


def draw_cart(
    surface: pygame.Surface,
    pal: Palette,
    geo: CartGeometry,
    cart_at: Point,
    scale: float,
    faded: bool,
) -> None:
    """The cart's body (with its dark underside and a light stripe) and its two wheels."""
    ground_y = cart_at[1]
    width = geo.cart_width * scale
    height = geo.cart_height * scale
    wheel_r = geo.wheel_radius * scale
    body = cart_body(geo, cart_at, scale)
    radius = max(2, round(height * 0.25))
    main = lerp_color(pal.cart, pal.sky_bottom, 0.6) if faded else pal.cart
    pygame.draw.rect(surface, pal.cart_dark, body.move(0, 3), border_radius=radius)
    pygame.draw.rect(surface, main, body, border_radius=radius)
    stripe = pygame.Rect(
        body.left + radius, body.top + 4, body.width - 2 * radius, max(2, height * 0.16)
    )
    pygame.draw.rect(surface, pal.cart_light, stripe, border_radius=2)
    for wx in (body.left + width * 0.24, body.right - width * 0.24):
        center = (wx, ground_y - wheel_r)
        pygame.draw.aacircle(surface, pal.wheel, center, wheel_r)
        pygame.draw.aacircle(surface, pal.hub, center, wheel_r * 0.42)


def draw_pivot(surface: pygame.Surface, pal: Palette, pivot: Point, scale: float) -> None:
    """The pole's hinge on top of the cart: a light disc with a dark centre."""
    pygame.draw.aacircle(surface, pal.pivot, pivot, max(3, 0.035 * scale))
    pygame.draw.aacircle(surface, pal.cart_dark, pivot, max(1, 0.015 * scale))


def draw_push_arrow(
    surface: pygame.Surface,
    pal: Palette,
    geo: CartGeometry,
    cart_at: Point,
    scale: float,
    force: float,
) -> None:
    """The push being applied, level with the cart's body; nothing for no force."""
    if not force:
        return
    cx, ground_y = cart_at
    body_y = ground_y - (geo.wheel_radius + geo.cart_height / 2) * scale
    side = 1 if force > 0 else -1
    # The arrow sits on the side the push comes from, pointing the way the cart is pushed.
    tail_x = cx - side * (geo.cart_width / 2 * scale + 0.42 * scale)
    draw_arrow(surface, pal.push, (tail_x, body_y), side, 0.32 * scale, 0.05 * scale)


def draw_hint_arrow(
    surface: pygame.Surface, pal: Palette, pivot: Point, scale: float, action: int | None
) -> None:
    """An agent's suggested action (0 left, 1 right) as a pale arrow just above ``pivot``;
    nothing for any other action."""
    if action not in (0, 1):
        return
    cx, py = pivot
    side = 1 if action == 1 else -1
    tail = (cx + side * 0.05 * scale, py - 0.22 * scale)
    ghost = lerp_color(pal.accent, pal.sky_bottom, 0.25)
    draw_arrow(surface, ghost, tail, side, 0.36 * scale, 0.045 * scale)
