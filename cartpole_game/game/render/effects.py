"""Game-feel effects, all in one place to import from: the tension cue's model, the glow cache,
the fall and the finish burst. Each lives in its own module; this one only re-exports them.

* :mod:`tension` - how close a state is to a limit, and the cue's throb and reds;
* :mod:`effect_cache` - the red screen edges, the round glows and the medal, made once;
* :mod:`fall` - the pole toppling after a fall, the cart's rattle and the dust;
* :mod:`finish` - the gold flash, the confetti and the medal at the goal.
"""

from __future__ import annotations

from cartpole_game.game.render.effect_cache import FLASH_RADIUS as FLASH_RADIUS
from cartpole_game.game.render.effect_cache import GLOW_LEVELS as GLOW_LEVELS
from cartpole_game.game.render.effect_cache import GOLD as GOLD
from cartpole_game.game.render.effect_cache import MEDAL_GLOW_RADIUS as MEDAL_GLOW_RADIUS
from cartpole_game.game.render.effect_cache import POST_GLOW_RADIUS as POST_GLOW_RADIUS
from cartpole_game.game.render.effect_cache import VIGNETTE_LEVELS as VIGNETTE_LEVELS
from cartpole_game.game.render.effect_cache import VIGNETTE_ROWS as VIGNETTE_ROWS
from cartpole_game.game.render.effect_cache import EffectCache as EffectCache
from cartpole_game.game.render.effect_cache import vignette_band as vignette_band
from cartpole_game.game.render.fall import FALL_BOUNCE as FALL_BOUNCE
from cartpole_game.game.render.fall import FALL_HIT as FALL_HIT
from cartpole_game.game.render.fall import FALL_SECONDS as FALL_SECONDS
from cartpole_game.game.render.fall import FALL_SHAKE_M as FALL_SHAKE_M
from cartpole_game.game.render.fall import cart_shake as cart_shake
from cartpole_game.game.render.fall import draw_dust as draw_dust
from cartpole_game.game.render.fall import fall_angle as fall_angle
from cartpole_game.game.render.fall import fall_direction as fall_direction
from cartpole_game.game.render.fall import fall_impact_seconds as fall_impact_seconds
from cartpole_game.game.render.fall import rest_angle as rest_angle
from cartpole_game.game.render.finish import CONFETTI as CONFETTI
from cartpole_game.game.render.finish import CONFETTI_COLORS as CONFETTI_COLORS
from cartpole_game.game.render.finish import FINISH_SECONDS as FINISH_SECONDS
from cartpole_game.game.render.finish import MEDAL_RADIUS as MEDAL_RADIUS
from cartpole_game.game.render.finish import Confetti as Confetti
from cartpole_game.game.render.finish import draw_finish as draw_finish
from cartpole_game.game.render.tension import DANGER_GLOW as DANGER_GLOW
from cartpole_game.game.render.tension import DANGER_RED as DANGER_RED
from cartpole_game.game.render.tension import NO_TENSION as NO_TENSION
from cartpole_game.game.render.tension import THETA_CUE_FROM as THETA_CUE_FROM
from cartpole_game.game.render.tension import X_CUE_FROM as X_CUE_FROM
from cartpole_game.game.render.tension import Tension as Tension
from cartpole_game.game.render.tension import pulse as pulse
from cartpole_game.game.render.tension import tension_of as tension_of
