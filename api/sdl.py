"""Export the GraphQL schema as SDL to schema/schema.graphql: `python -m redengine.api.sdl [--check]`."""

from __future__ import annotations

import sys
from pathlib import Path

SDL_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
REGENERATE = "python -m redengine.api.sdl"


def current_sdl() -> str:
    from redengine.api.schema import build_schema

    return build_schema().as_str().rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sdl = current_sdl()
    if "--check" in argv:
        same = SDL_PATH.is_file() and SDL_PATH.read_text(encoding="utf-8") == sdl
        print(f"{SDL_PATH}: {'up to date' if same else 'out of date; run ' + REGENERATE}")
        return 0 if same else 1
    SDL_PATH.write_text(sdl, encoding="utf-8")
    print(f"wrote {SDL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
