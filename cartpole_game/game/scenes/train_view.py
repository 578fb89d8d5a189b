"""Train live: watch a DQN (or the linear search) learn, with its learning curve drawn live.

The trainer runs in a worker process (:mod:`cartpole_game.training.live`); this scene only reads
snapshots of it, so drawing never slows training and training never freezes the window. The
controls tell the truth: a run solved with "once solved: stop" halts but stays (C trains on, S
saves to a new file the toast names), and the key hints grey out what does nothing right now.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.agents.checkpoint import unused_path
from cartpole_game.agents.registry import agent_kind
from cartpole_game.core.text import drawable
from cartpole_game.game.input.bindings import dispatch
from cartpole_game.game.input.tables import TRAIN
from cartpole_game.game.render.chart import LearningCurve, draw_learning_curve
from cartpole_game.game.render.hud import BANNER_HEIGHT, banner_width
from cartpole_game.game.render.layout import TRAIN_LAYOUT, SpriteEntry, log_panel, place_clear
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.render.transform import WorldView
from cartpole_game.game.scenes.base import MenuEntry, ModeServices, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, draw_toasts
from cartpole_game.game.scenes.train_figures import draw_figures
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import ExplainingController
from cartpole_game.sim.physics import SOLVED_MEAN
from cartpole_game.training.live import LiveView, TrainingSession
from cartpole_game.training.trainers import TrainerSpec

ARENA_VIEW = WorldView(0, 0, 660, 720, half_span_m=2.9, ground_frac=0.7)
TOP_BAR = pygame.Rect(16, 12, 1248, 62)
CHART_RECT = pygame.Rect(676, 92, 588, 320)
FIGURES_RECT = pygame.Rect(676, 424, 588, 196)
GREYED = (92, 98, 110)  # a key hint that does nothing now
SOLVED_OFFER_HEIGHT = 30  # the solved banner's line of what to do next, under its two


def policy_from_weights(
    algo: str, weights: dict[str, np.ndarray], name: str
) -> ExplainingController:
    build = agent_kind(algo).from_tensors
    assert build is not None, "a trainable kind builds its policy from tensors"
    return build(weights, name)


class TrainViewScene(Scene):
    mode_name = "train"
    bindings = TRAIN

    def __init__(self, ctx: SceneContext, make_session: Callable[[], TrainingSession]) -> None:
        super().__init__(ctx)
        self.session = make_session()
        self.session.start()
        self.view: LiveView = self.session.view()
        # A search without training episodes (the linear one) shows its best candidate so far.
        trainer = agent_kind(self.view.algo).trainer
        self.show_preview = trainer is not None and not trainer.shows_episodes
        self.preview: Arena | None = None
        self.preview_version = 0
        self._chart: pygame.Surface | None = None
        self._chart_key: tuple[int, int] | None = None
        self.solved_announced = False
        self.stopped = False
        self.reported_fallback: Path | None = None

    # -- input --------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        on_press = {
            "pause": self.toggle_pause,
            "faster": lambda: self.change_pace(+1),
            "slower": lambda: self.change_pace(-1),
            "switch_view": self.switch_view,
            "once_solved": self.toggle_once_solved,
            "save": self.save_now,
            "try_takeover": lambda: self.try_network(takeover=True),
            "try_versus": lambda: self.try_network(takeover=False),
            "help": self.show_help,
            "back": self.ctx.go_back,
        }
        dispatch(self.bindings, event, on_press)

    # What each command does right now; a command that would do nothing is greyed out.
    def training_runs(self) -> bool:
        """True while the trainer is (or could be, unpaused) taking steps."""
        v = self.view
        return not (v.done or v.halted or v.error)

    def can_resume(self) -> bool:
        """A solved run halted by "once solved: stop": C trains it on."""
        v = self.view
        return v.halted and not v.finished and not v.done and v.solved_at_steps is not None

    def show_help(self) -> None:
        """The keys, those that do nothing now greyed out as in the hint line."""
        greyed = self.bindings.inactive_rows(self.inactive_commands())
        self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows(), greyed))

    def inactive_commands(self) -> frozenset[str]:
        """The commands that do nothing now: the hint line draws them greyed out."""
        v = self.view
        off: set[str] = set()
        if not self.training_runs():
            off |= {"pause", "faster", "slower"}
        if v.done or v.finished:
            off.add("once_solved")
        if v.weights is None or v.done:
            off.add("save")
        if v.weights is None:
            off |= {"try_takeover", "try_versus"}
        return frozenset(off)

    def toggle_pause(self) -> None:
        if not self.training_runs():
            self.ctx.notify(self._not_training())
            return
        self.session.set_paused(not self.session.paused)
        self.ctx.notify("Training paused" if self.session.paused else "Training resumed")

    def change_pace(self, direction: int) -> None:
        if not self.training_runs():
            self.ctx.notify(self._not_training())
            return
        self.ctx.notify(f"Pace: {self.session.change_pace(direction)}")

    def _not_training(self) -> str:
        if self.can_resume():
            return "Nothing is training: solved and stopped (C keeps training)"
        if self.view.finished:
            return "Nothing is training: the step budget is used up"
        if not self.view.started:
            return "Nothing is training yet: the trainer is starting"
        return "Nothing is training: the trainer has stopped"

    def switch_view(self) -> None:
        self.show_preview = not self.show_preview

    def toggle_once_solved(self) -> None:
        if "once_solved" in self.inactive_commands():
            self.ctx.notify(self._not_training())
            return
        if self.can_resume():
            self.session.keep_training()
            self.ctx.notify("Training on past the solve (once solved: keep training)")
            return
        keep = self.session.toggle_continue_after_solved()
        if self.view.solved_at_steps is not None and not keep:
            self.ctx.notify("Once solved: stop — training stops now")
        else:
            self.ctx.notify("Once solved: keep training" if keep else "Once solved: stop")

    def save_now(self) -> None:
        if self.view.done:
            self.ctx.notify("Training has ended: its best weights were saved when it stopped")
            return
        if self.view.weights is None:
            self.ctx.notify("Nothing to save yet: no network so far")
            return
        self.session.request_save()
        self.ctx.notify("Saving a checkpoint…", 1.5)

    def try_network(self, takeover: bool) -> None:
        """Play with the network as it is right now; training goes on underneath."""
        if self.view.weights is None:
            self.ctx.notify("No network yet: wait a moment")
            return
        agent = policy_from_weights(
            self.view.algo, self.view.weights, network_name(self.view.steps)
        )
        from cartpole_game.game.scenes.takeover import TakeoverScene
        from cartpole_game.game.scenes.versus import VersusScene
        from cartpole_game.sim.controllers import HumanController

        scene = (
            TakeoverScene(self.ctx, agent)
            if takeover
            else VersusScene(self.ctx, HumanController(), agent)
        )
        self.ctx.stack.push(scene)

    # -- simulation ---------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        self.view = view = self.session.view()
        for message in view.saved:
            self.ctx.notify(_sentence(message), 5.0)
        self._report_fallback()
        if view.solved_at_steps is not None and not self.solved_announced:
            self.solved_announced = True
            self.ctx.sounds.play("win")
        if view.weights is not None and view.weights_version != self.preview_version:
            self.preview_version = view.weights_version
            policy = policy_from_weights(view.algo, view.weights, "greedy")
            if self.preview is None:
                self.preview = Arena(policy, seed=self.ctx.config.seed or 0)
            else:
                self.preview.set_controller(policy)  # new weights take over mid-episode
        if self.preview is not None and self.show_preview:
            if self.preview.done:
                self.preview.reset()
            self.preview.step()

    def on_exit(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.session.stop()
            for message in self.session.view().saved:
                self.ctx.notify(_sentence(message), 6.0)
            self._report_fallback()

    def _report_fallback(self) -> None:
        """The checkpoint went to the temp folder: say where in the terminal too, since the
        window (and its toast) may be gone a moment later."""
        where = self.session.fallback
        if where is not None and where != self.reported_fallback:
            self.reported_fallback = where
            print(
                f"train: warning: could not write {self.session.checkpoint_path}; "
                f"the trained weights were saved to {where} instead",
                file=sys.stderr,
                flush=True,
            )

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        ctx = self.ctx
        pal = ctx.theme.palette
        view = self.view
        if self.show_preview and self.preview is not None:
            state = tuple(float(v) for v in self.preview.interpolated_state(alpha))
            label = (
                f"preview: {network_name(self.view.steps)}, greedy (snapshot "
                f"{self.preview_version}) · score {self.preview.score}"
            )
        elif view.env_state is not None:
            state = tuple(float(v) for v in view.env_state)
            label = f"training episode, exploration included · step {view.env_step}"
        else:
            state, label = (0.0, 0.0, 0.0, 0.0), "starting…"
        ctx.arena_renderer.draw(surface, ARENA_VIEW, state)
        surface.fill(pal.sky_top, (660, 0, 620, 720))
        self._draw_top_bar(surface, view)
        blit_text(surface, ctx.theme, label, 15, pal.text_dim, (24, 92))
        surface.blit(self._chart_surface(view), CHART_RECT)
        log_panel(ctx.theme, "chart", CHART_RECT)
        draw_figures(surface, ctx, view, FIGURES_RECT)
        if view.solved_at_steps is not None:
            self._draw_solved(surface, view, ctx.arena_renderer.obstacles(ARENA_VIEW, state))
        if view.error:
            blit_text(
                surface,
                ctx.theme,
                drawable(f"Training stopped: {view.error}", 110),
                16,
                pal.bad,
                (24, 640),
            )
        self._draw_hints(surface)
        draw_toasts(surface, ctx, TRAIN_LAYOUT.rect("toasts"))

    def _draw_solved(
        self, surface: pygame.Surface, view: LiveView, obstacles: list[SpriteEntry]
    ) -> None:
        """The solved banner over the arena, clear of its cart and pole, and what to do next."""
        ctx = self.ctx
        pal = ctx.theme.palette
        title = f"Solved at step {view.solved_at_steps:,}"
        # One short line that fits the banner: what came after solving, or what solving meant.
        subtitle = f"in {view.solved_after_seconds:.1f} s of training  ·  "
        if view.robust_at_steps is not None:
            subtitle += f"robust at step {view.robust_at_steps:,}"
        elif not view.halted:
            subtitle += "training on until robust"
        else:
            subtitle += f"greedy mean ≥ {SOLVED_MEAN:g}"
        offer = "Y  play against it   ·   T  take over from it"
        if not self.show_preview:
            offer += "   ·   Tab  watch it"
        if self.can_resume():
            offer += "   ·   C  keep training"
        region = TRAIN_LAYOUT.rect("cards")
        width = max(
            banner_width(ctx.theme, title, line, region.width) for line in (subtitle, offer)
        )
        spot = place_clear((width, BANNER_HEIGHT + SOLVED_OFFER_HEIGHT), region, obstacles)
        ctx.hud.draw_banner(surface, title, subtitle, pal.good, spot, region)
        offer = fit_text(ctx.theme, offer, 15, spot.width - 32)
        blit_text(
            surface, ctx.theme, offer, 15, pal.text, (spot.centerx, spot.bottom - 14), "midbottom"
        )

    def _draw_hints(self, surface: pygame.Surface) -> None:
        """The key hints along the foot of the screen, those that do nothing now greyed out."""
        theme = self.ctx.theme
        pal = theme.palette
        footer = TRAIN_LAYOUT.rect("footer")
        self.ctx.hud.blit_panel(surface, "footer", footer, 200)
        parts = self.bindings.status_parts(self.bindings.commands, self.inactive_commands())
        x, y = footer.left + 12, footer.top + 7
        for i, (text, active) in enumerate(parts):
            if i:
                x = blit_text(surface, theme, " · ", 14, pal.text_dim, (x, y)).right
            color = pal.text_dim if active else GREYED
            x = blit_text(surface, theme, text, 14, color, (x, y)).right

    def _draw_top_bar(self, surface: pygame.Surface, view: LiveView) -> None:
        ctx = self.ctx
        pal = ctx.theme.palette
        ctx.hud.blit_panel(surface, "top bar", TOP_BAR, 170)
        blit_text(
            surface,
            ctx.theme,
            f"TRAIN LIVE · {view.algo.upper()}",
            24,
            pal.text,
            (TOP_BAR.left + 20, TOP_BAR.top + 16),
            bold=True,
        )
        if view.error:
            status, color = "STOPPED", pal.bad
        elif not view.started:
            status, color = "LOADING…", pal.text_dim
        elif view.halted or view.done:
            status = "FINISHED" if view.solved_at_steps is None else "SOLVED · STOPPED"
            if view.robust_at_steps is not None:
                status = "ROBUST · STOPPED"
            color = pal.good
        elif self.session.paused:
            status, color = "PAUSED", pal.warn
        else:
            status, color = "TRAINING", pal.accent
        blit_text(surface, ctx.theme, status, 22, color, TOP_BAR.center, "center", bold=True)
        if self.can_resume():
            once_solved = "stopped once robust · C keeps training"
        else:
            keep = self.session.continue_after_solved
            once_solved = f"once solved: {'keep training' if keep else 'stop'} (C)"
        running = self.training_runs()
        right = TOP_BAR.right - 20
        blit_text(
            surface,
            ctx.theme,
            f"pace: {self.session.pace_name}" + ("" if running else " (idle)"),
            18,
            pal.text if running else GREYED,
            (right, TOP_BAR.top + 9),
            "topright",
        )
        blit_text(
            surface,
            ctx.theme,
            once_solved,
            13,
            pal.text_dim,
            (right, TOP_BAR.top + 35),
            "topright",
        )

    def _chart_surface(self, view: LiveView) -> pygame.Surface:
        # Redrawn only when data arrives: the chart is the costliest thing on this screen.
        key = (len(view.returns), len(view.evaluations))
        if self._chart is None or key != self._chart_key:
            self._chart_key = key
            if self._chart is None:
                self._chart = pygame.Surface(CHART_RECT.size)
            curve = LearningCurve(
                returns=view.returns,
                evaluations=view.evaluations,
                title="return per episode · moving average · evaluations",
            )
            draw_learning_curve(
                self._chart, self._chart.get_rect(), curve, self.ctx.theme.fonts.font(13)
            )
        return self._chart


def network_name(steps: int) -> str:
    """A live network as the player knows it: "your network (11k steps)"."""
    if steps < 1000:
        count = f"{steps}"
    elif steps < 10_000:
        count = f"{steps / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    else:
        count = f"{round(steps / 1000)}k"
    return f"your network ({count} steps)"


def _sentence(message: str) -> str:
    """``message`` with a capital first letter (``str.capitalize`` would lower a path's)."""
    return drawable(message[:1].upper() + message[1:], 200)


def _make_scene(services: ModeServices) -> TrainViewScene:
    ctx, train = services.ctx, services.config.train
    seed = services.config.seed if services.config.seed is not None else 0
    out = train.out or unused_path(
        ctx.data_dir
        / "checkpoints"
        / f"{train.algo}-live-seed{seed}-{time.strftime('%Y%m%d-%H%M%S')}.safetensors"
    )
    spec = TrainerSpec(
        train.algo,
        train.steps,
        seed,
        train.stop_when_solved,
        demos=train.demos,
        demo_driver=train.demo_driver,
        demo_margin=train.demo_margin,
    )
    command = f"python play.py train --algo {train.algo} --seed {seed}"
    if train.demos:
        command += " --demos " + " ".join(shlex.quote(d) for d in train.demos)
    warmer = services.trainer_warmer
    return TrainViewScene(
        ctx,
        # The worker the menu warmed, torch already loaded: learning shows at once.
        lambda: TrainingSession(spec, out, command, pace=train.pace, worker=warmer.take()),
    )


MODE = ModeSpec(
    name="train",
    help="watch an agent learn live",
    make_scene=_make_scene,
    menu=MenuEntry("Train live", "watch a DQN learn from scratch"),
    own_command=True,  # `train` is a command: headless it trains in the terminal
    real_time=True,  # the trainer works in real time, so the view keeps real time even headless
)
