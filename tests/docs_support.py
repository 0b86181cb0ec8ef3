"""The code blocks of the documentation (README.md and docs/**/*.md), found wherever they are.

Tests that check documented examples take their blocks from here, so a block that moves to another
page (or a page that is added) is still checked: nothing depends on which file or section holds it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
SHELL_OPERATORS = {"&&", "||", ";", "|", "&"}


def doc_files() -> list[Path]:
    """README.md first, then every page under docs/ (sorted), so the order of blocks is stable."""
    return [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]


def doc_text() -> str:
    """README.md and every docs/ page, concatenated: for checks that a name is documented somewhere."""
    return "\n".join(path.read_text(encoding="utf-8") for path in doc_files())


def headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(index, level, title) of the ATX headings outside code blocks (a `# comment` in a block is none)."""
    found: list[tuple[int, int, str]] = []
    fence = ""
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if opening and not fence:
            fence = opening["fence"]
        elif fence and re.fullmatch(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line):
            fence = ""
        elif not fence and (heading := re.match(r"(#{1,6}) (.+?)[ \t]*$", line)):
            found.append((index, len(heading[1]), heading[2]))
    return found


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (a repeated one gets `-1`, `-2`, ...)."""
    seen: dict[str, int] = {}
    for _, _, title in headings(path.read_text(encoding="utf-8").splitlines()):
        base = slug(title)
        seen[base] = seen.get(base, 0) + 1
    return {base if n == 0 else f"{base}-{n}" for base, count in seen.items() for n in range(count)}


def links(path: Path) -> list[tuple[int, str]]:
    """(line, target) of the Markdown links outside code blocks and code spans."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = {index for block in extract_blocks(path)
              for index in range(block.line - 1, block.line + block.text.count("\n") + 1)}
    return [(index + 1, target) for index, line in enumerate(lines) if index not in fenced
            for target in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"`[^`]*`", "", line))]


def doc_section(title: str) -> str:
    """The section titled `title` (a `#` page title or a `##` section), in whichever file now holds it:
    its heading line to the next heading of the same or a higher level. A missing title is an error."""
    for path in doc_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        found = headings(lines)
        for number, (index, level, text) in enumerate(found):
            if text == title and level <= 2:
                end = next((i for i, lv, _ in found[number + 1:] if lv <= level), len(lines))
                return "\n".join(lines[index:end]) + "\n"
    raise LookupError(f"no section titled {title!r} in README.md or docs/")


@dataclass(frozen=True)
class Block:
    path: str  # relative to the repository
    line: int  # of the opening fence, 1-based
    lang: str  # first word of the info string, lower-cased ('' when none)
    flags: tuple[str, ...]  # the other words of the info string (`sql fragment`, `bash usage`)
    text: str
    before: str  # the last non-blank line before the fence (for a `<!-- ... -->` note)

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}-{self.lang or 'plain'}"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def extract_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file; an unclosed fence is an error naming its line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    relative = str(path.relative_to(REPO))
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        end = index + 1
        while end < len(lines) and not re.fullmatch(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", lines[end]):
            end += 1
        if end == len(lines):
            raise ValueError(f"{relative}:{index + 1}: code block opened here is never closed")
        body = [line[indent:] if line[:indent].strip() == "" else line for line in lines[index + 1:end]]
        words = opening["info"].split()
        before = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        blocks.append(Block(relative, index + 1, words[0].lower() if words else "", tuple(words[1:]),
                            "\n".join(body) + "\n", before))
        index = end + 1
    return blocks


def all_blocks() -> list[Block]:
    return [block for path in doc_files() for block in extract_blocks(path)]


@dataclass(frozen=True)
class Command:
    line: int  # line within the block, 1-based
    argv: tuple[str, ...]  # without leading VAR=value assignments
    text: str  # as written, continuations joined, comment removed


def logical_lines(text: str, *, console: bool) -> list[tuple[int, str]]:
    """Lines with `\\` continuations joined; in a console transcript only `$ ` lines are commands."""
    result: list[tuple[int, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        start, line = index, lines[index]
        index += 1
        if console:
            if not line.startswith("$ "):
                continue  # output
            line = line[2:]
        while line.rstrip().endswith("\\") and index < len(lines):
            line = line.rstrip()[:-1] + " " + lines[index].strip()
            index += 1
        result.append((start + 1, line))
    return result


def shell_commands(text: str, *, console: bool = False) -> list[Command]:
    """The simple commands of a shell snippet, split at `&&`, `||`, `;` and `|`; comments dropped.

    Raises ValueError (from shlex) for a line that is not well-formed, e.g. an unclosed quote.
    """
    commands: list[Command] = []
    for number, line in logical_lines(text, console=console):
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token not in SHELL_OPERATORS:
                words.append(token)
                continue
            while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
                words.pop(0)  # VAR=value before the program
            if words:
                commands.append(Command(number, tuple(words), shlex.join(words)))
            words = []
    return commands
