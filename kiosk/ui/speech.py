"""Optional spoken prompts through espeak-ng: started in the background, never awaited.

A new prompt cuts the previous one short. Languages without an espeak-ng voice (Lao and
Khmer today) stay silent and say so once in the log; the screen still shows the text.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Speaker:
    """Speaks prompts with espeak-ng when enabled; ``voices`` maps kiosk language to voice."""

    def __init__(self, enabled: bool, voices: Mapping[str, str], program: str = "espeak-ng") -> None:
        self.voices = dict(voices)
        self._program = shutil.which(program) if enabled else None
        if enabled and self._program is None:
            log.warning("spoken prompts are on but %s is not installed: prompts stay silent", program)
        self._current: subprocess.Popen[bytes] | None = None
        self._warned: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self._program is not None

    def command(self, text: str, language: str) -> list[str] | None:
        """The espeak-ng command for ``text``, or None when this language has no voice."""
        voice = self.voices.get(language)
        if self._program is None or voice is None:
            return None
        return [self._program, "-v", voice, "-s", "140", "--", text]

    def say(self, text: str, language: str) -> None:
        """Start speaking ``text``; returns at once."""
        if not self.enabled:
            return
        cmd = self.command(text, language)
        if cmd is None:
            if language not in self._warned:
                self._warned.add(language)
                log.info("no espeak-ng voice for %s: prompts in it are shown, not spoken", language)
            return
        self.stop()
        try:
            self._current = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.warning("espeak-ng failed to start: %s", exc)

    def stop(self) -> None:
        if self._current is not None and self._current.poll() is None:
            self._current.terminate()
        self._current = None
