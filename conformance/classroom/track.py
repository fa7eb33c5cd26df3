"""The exercise track: one table, and every sentence a student reads.

A new exercise is one `Exercise(...)` entry in `TRACK_TABLE` below, plus the
`# exercise: <tag>` marker comments above the functions students write in
`minitorch_module/`. Its scenarios are the ones of the topics it owns.

This module holds all student-facing text (goals, hints, stub text, report
headings, checker messages), so a translation has one file to read. It
imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Hint:
    """A hint, shown for a failing scenario whose name contains one of `about`.

    A hint with no `about` words is the exercise's general hint.
    """

    text: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exercise:
    """One step of the track. `number` is its place in `TRACK_TABLE`."""

    tag: str
    title: str
    # The topics (conformance/registry.py) whose scenarios belong to this exercise.
    topics: tuple[str, ...]
    page: str  # the walkthrough page to read
    goal: str
    hints: tuple[Hint, ...]
    # Exercises worth doing first (reading order only: grading is independent).
    builds_on: tuple[str, ...] = ()
    number: int = 0

    @property
    def scenarios(self) -> list:
        from ..registry import all_scenarios

        return [s for s in all_scenarios() if s.topic in self.topics]

    def hint_for(self, scenario_name: str) -> Hint:
        """The hint that fits a failing scenario best, by the words of its name.

        The hint with the longest matching word wins ("getattr" is more
        telling than "name"); with no match, the general hint.
        """
        words = scenario_name.lower()
        matches = [(max(len(w) for w in h.about if w in words), h) for h in self.hints if any(w in words for w in h.about)]
        if matches:
            return max(matches, key=lambda pair: pair[0])[1]
        return next((h for h in self.hints if not h.about), self.hints[0])


TRACK_TABLE: tuple[Exercise, ...] = (
    Exercise(
        tag="parameter",
        title="Parameter and Buffer",
        topics=("parameter",),
        page="walkthrough/parameter.md",
        goal="Make Parameter and Buffer: tensor subclasses that a module recognises.",
        hints=(
            Hint("A Parameter requires grad unless you say otherwise.", about=("grad",)),
            Hint("A Buffer is a plain tensor marked with a flag; detach it, keep requires_grad.", about=("buffer",)),
            Hint("`torch.Tensor._make_subclass(cls, data, requires_grad)` makes a subclass that shares `data`."),
        ),
    ),
    Exercise(
        tag="registration",
        title="Registration and attribute routing",
        # Registration and attribute routing call each other (`m.w = p` ends
        # in register_parameter), so students write them as one exercise.
        topics=("registration", "attributes"),
        page="walkthrough/modules/module.md#module-register-buffer",
        goal="Fill a module's dicts with register_parameter, register_buffer and add_module, and route "
        "`self.x = value` to the right dict (and find it again in `__getattr__`).",
        hints=(
            Hint("Check the name before you store anything: type, empty, a dot, an existing attribute.",
                 about=("reject", "name", "dot", "empty", "exist")),
            Hint("`__getattr__` is only called when normal lookup fails; read the three dicts there.",
                 about=("getattr", "missing", "lookup")),
            Hint("`__setattr__` removes the name from the other dicts before it stores the value.",
                 about=("setattr", "assign", "replace", "shadow", "delattr", "del")),
            Hint("Registration fills `_parameters`, `_buffers` or `_modules`; attribute routing decides which."),
        ),
        builds_on=("parameter",),
    ),
    Exercise(
        tag="traversal",
        title="Traversal and dedup",
        topics=("traversal", "submodules"),
        page="walkthrough/modules/module.md#module-named-modules",
        goal="Walk the module tree: children, modules, parameters, buffers, with dedup.",
        hints=(
            Hint("Keep a `memo` set of objects already seen.", about=("dedup", "shared", "duplicate", "twice", "tied")),
            Hint("Build names with the prefix and a dot.", about=("prefix", "name", "path", "nested")),
            Hint("Yield as you go: `named_modules` is a generator, and so are the others."),
        ),
        builds_on=("registration",),
    ),
    Exercise(
        tag="train_eval",
        title="train/eval and grads",
        topics=("train_eval",),
        page="walkthrough/modules/module.md#module-train",
        goal="Switch training mode for the whole tree, and clear or freeze gradients.",
        hints=(
            Hint("`zero_grad()` sets grads to None by default.", about=("zero_grad", "grad")),
            Hint("`eval()` is `train(False)`; `train` checks that mode is a bool.", about=("train", "eval", "mode")),
            Hint("Every module in the tree changes, not only the top one."),
        ),
        builds_on=("traversal",),
    ),
    Exercise(
        tag="conversion",
        title="apply, _apply and to()",
        topics=("conversion",),
        page="walkthrough/modules/module.md#module-to",
        goal="Apply a function to every tensor: apply, _apply and to().",
        hints=(
            Hint("Parameters keep their identity: change `.data`, not the object.", about=("identity", "same", "keeps")),
            Hint("`to()` parses its arguments like `Tensor.to` and only converts floating point tensors to a dtype.",
                 about=("to_", "dtype", "device", "meta", "non_blocking")),
            Hint("Children first, then own parameters and buffers."),
        ),
        builds_on=("traversal",),
    ),
    Exercise(
        tag="state_dict",
        title="state_dict",
        topics=("state_dict", "extra_state"),
        page="walkthrough/modules/module.md#module-state-dict",
        goal="Save parameters and persistent buffers under dotted keys.",
        hints=(
            Hint("Detach unless keep_vars=True.", about=("keep_vars", "detach", "grad")),
            Hint("Skip None entries and non-persistent buffers.", about=("none", "persistent")),
            Hint("Each module writes its own entries under `prefix`, then asks its children with `prefix + name + '.'`."),
        ),
        builds_on=("traversal",),
    ),
    Exercise(
        tag="load_state_dict",
        title="load_state_dict",
        topics=("load_state_dict",),
        page="walkthrough/modules/module.md#module-load-state-dict",
        goal="Copy tensors back in, and report missing and unexpected keys.",
        hints=(
            Hint("Shapes must match: collect the errors, raise them together.", about=("shape", "size", "error", "strict")),
            Hint("With assign=True the loaded tensor replaces the parameter instead of being copied in.", about=("assign",)),
            Hint("Copy under `torch.no_grad()`."),
        ),
        builds_on=("state_dict",),
    ),
    Exercise(
        tag="forward_hooks",
        title="Calling and forward hooks",
        topics=("hooks",),
        page="walkthrough/modules/module.md#module-register-forward-hook",
        goal="Call a module: forward pre-hooks, forward, forward hooks.",
        hints=(
            Hint("A pre-hook may return new args; a forward hook may return a new output.", about=("return", "replace", "modif")),
            Hint("`prepend=True` puts the hook first; the handle's id keys the dict.", about=("prepend", "order", "handle", "remove")),
            Hint("No hooks at all? Call forward directly: that is the fast path."),
        ),
        builds_on=("registration",),
    ),
    Exercise(
        tag="backward_hooks",
        title="Backward hooks",
        topics=("backward_hooks",),
        page="walkthrough/hooks.md",
        goal="Run hooks when gradients flow back through a module.",
        hints=(
            Hint("A full backward hook sees grad_input and grad_output together.", about=("grad_input", "grad_output", "full")),
            Hint("Wrap inputs and outputs in an identity autograd Function."),
        ),
        builds_on=("forward_hooks",),
    ),
    Exercise(
        tag="containers",
        title="Containers",
        topics=("containers",),
        page="walkthrough/modules/container.md",
        goal="Build Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict.",
        hints=(
            Hint("A slice of a Sequential is a new Sequential.", about=("slice", "getitem", "index")),
            Hint("`insert` renumbers the keys after the new module.", about=("insert",)),
            Hint("`update` accepts a mapping or an iterable of (key, value) pairs.", about=("update",)),
            Hint("Children are stored under the keys '0', '1', ..."),
        ),
        builds_on=("traversal",),
    ),
    Exercise(
        tag="layers",
        title="Linear and BatchNorm",
        topics=("layers", "models"),
        page="walkthrough/modules/linear.md",
        goal="Write Linear and BatchNorm on top of torch.nn.functional.",
        hints=(
            Hint("BatchNorm updates its running statistics only in training mode.",
                 about=("batchnorm", "batch_norm", "running", "momentum")),
            Hint("Initialise with `torch.nn.init` in the same order as torch, so the same seed gives the same weights."),
        ),
        builds_on=("containers", "conversion"),
    ),
    Exercise(
        tag="repr",
        title="repr and pickling",
        topics=("repr", "pickling"),
        page="walkthrough/modules/module.md#module-repr",
        goal="Print a module tree the way torch does, and pickle it.",
        hints=(
            Hint("`__dir__` lists the class, the instance dict and the three dicts' keys.", about=("dir",)),
            Hint("extra_repr gives the text inside the brackets.", about=("extra_repr",)),
            Hint("Indent children's reprs by two spaces."),
        ),
        builds_on=("traversal",),
    ),
)

# tag -> Exercise, numbered in table order.
TRACK: dict[str, Exercise] = {
    e.tag: replace(e, number=n) for n, e in enumerate(TRACK_TABLE, start=1)
}

# The exercise a topic's scenarios belong to.
TOPIC_EXERCISE: dict[str, str] = {topic: e.tag for e in TRACK_TABLE for topic in e.topics}


def exercise_of(scenario) -> str:
    """The tag of the exercise that a scenario belongs to (by its topic)."""
    return TOPIC_EXERCISE[scenario.topic]


def by_number_or_tag(key: str) -> Exercise:
    """Find an exercise by its number ("3") or tag ("traversal")."""
    for exercise in TRACK.values():
        if str(key) in (str(exercise.number), exercise.tag):
            return exercise
    raise KeyError(key)


# ---------------------------------------------------------------- text
# Every sentence the student copy and the checker show, in one place.

# The student's language. `check --lang` and `exercises new --lang` set it
# once per process (`set_language`); every text a student reads is then
# looked up in the `messages` catalog (conformance/i18n.py), keyed by its
# English. Scenario records and torch's messages are never translated.
LANGUAGE = "en"


def set_language(lang: str | None) -> str:
    """Use `lang` ("zh", "zh_CN.UTF-8", None = from the environment) from now on."""
    from ..i18n import resolve_lang

    global LANGUAGE
    LANGUAGE = resolve_lang(lang)
    return LANGUAGE


def tr(text: str) -> str:
    """`text` in the student's language; the English where no good translation exists."""
    if LANGUAGE == "en":
        return text
    from ..i18n import translate

    return str(translate(text, LANGUAGE, "messages"))


class _Texts(dict):
    """`TEXT["key"]` is that text in the student's language."""

    def __getitem__(self, key: str):
        value = super().__getitem__(key)
        return tuple(tr(v) for v in value) if isinstance(value, tuple) else tr(value)


TEXT = _Texts({
    # The one statement a student finds in place of a reference body.
    "stub": 'raise NotImplementedError("Exercise {number} ({title}): write {qualname}. Read {page}")',
    # The README.md of a student copy.
    "student_readme": """# Rebuild torch.nn.Module

This folder is your copy of `minitorch_module`. Some functions only raise
`NotImplementedError`: write them. Each stub says which exercise it belongs to
and which page of the walkthrough to read.

Each exercise is graded on its own: the checker uses your code for that
exercise and the reference code for the others, so you can do them in any
order (the list below is the reading order).

Check your work against real PyTorch:

    minitorch-module check {folder}
    minitorch-module check {folder} --exercise 2
    minitorch-module check {folder} --scenario register_buffer_rejects_dotted_name

or with pytest, inside the minitorch-module project folder:
`pytest conformance --impl {folder} -m registration`.

Exercises, in order:

{exercises}
""",
    "report_title": "Your copy against torch {version}",
    "report_columns": ("#", "exercise", "passed", "points", "status"),
    "status_pass": "pass",
    "status_fail": "fail",
    "exercise_heading": "Exercise {number}: {title}: {failing} of {total} scenarios differ",
    "failing_table_columns": ("scenario", "problem"),
    "more_rows": "... and {count} more",
    "in_full": "The first {count} in full:",
    "scenario_heading": "{name}  ({where})",
    "what_it_does": "What it does: {doc}",
    "torch_vs_yours": ("torch", "your copy"),
    "your_code_raised": "Your code raised {kind}: {message}",
    "raised_at": "  at {where}",
    "printed": "Your code printed ({shown} of {total} characters):",
    "hint": "Hint: {hint} Read {page}.",
    "agree_count": "{passed}/{total} scenarios agree with torch.",
    # How recorded values read in the side-by-side table.
    "value_raises": "raises {kind}: {message}",
    "value_returns": "returns {value}",
    "value_same": "same object: {value}",
    "value_nothing": "(nothing)",
    "value_no_error": "(none)",
    "uncaught_label": "uncaught error",
    "more_characters": "… ({count} more characters)",
    "read_order": "builds on {numbers} (reading order; graded on its own)",
    # Problems: one line each, shown in the table and in full.
    "problem_fail": "differs from torch: {label}",
    "problem_timeout_scenario": "no result after {limit:g} s while running scenario {name}: an endless loop or a very slow step?",
    # A course's own scenario that never ends: the teacher has to fix it.
    "hung_on_reference": "Scenario {name} did not finish within {limit:g} s on the reference code, so it is not "
                         "graded. This is a problem in the course's scenarios, not in your copy.",
    "torch_hung": "torch did not finish scenario {name} within {limit:g} s, so nothing could be graded. This is "
                  "a problem in the course's scenarios, not in your copy: tell your teacher.",
    "problem_timeout_import": "no result after {limit:g} s while importing your package",
    "problem_crash": "the process ended while running scenario {name}: {status}",
    "problem_import": "your code could not be imported: {detail}",
    "problem_import_exit": "your code ended the process while importing: {status}",
    "problem_skipped": "not run: {reason}",
    "skipped_timeouts": "earlier scenarios of this exercise timed out",
    "skipped_restarts": "the worker was restarted too often",
    "exit_status": "exit status {code}",
    "record_too_large": "your copy recorded more than the checker accepts",
    "killed_by": "killed by signal {signal}",
    "sys_exit": "your code called sys.exit({code}); a method must return or raise instead",
    # Whole-copy problems: every graded exercise gets 0.
    "not_yours_heading": "Your copy cannot be graded",
    "not_yours": "The classes and functions graded must be written in your own files: no torch.nn Module "
    "machinery, no imports of the checker or of minitorch_module itself (import your own modules "
    "relatively), and no changes to torch. So every graded exercise gets 0.{details}",
    "forbidden_use": "{file}:{line} uses {name}",
    "borrowed_class": "`{name}` comes from {origin}, not from your files",
    "borrowed_base": "`{name}` derives from {base}",
    "changed_attribute": "your code replaced or deleted {name}",
    "borrowed_function": "`{qualname}` is not defined in your files (it comes from {origin})",
    "tampered": "Something other than the checker wrote to the checker's private channel "
    "({reason}); the results cannot be trusted, so nothing is graded.",
    "tamper_long": "an over-long line",
    "tamper_token": "a line without the checker's token",
    "tamper_unexpected": "an unexpected {event!r} message",
    "no_package": "no Python package found in {folder} (looked for minitorch_module/__init__.py and __init__.py)",
    "summary": "{passed} of {total} exercises pass; score {score:g} of {max_score:g}.",
    "scenario_verdict_pass": "Your copy agrees with torch on {name}.",
    "scenario_verdict_fail": "Your copy differs from torch on {name}.",
    "scenario_source": "The scenario ({where}):",
    "scenario_not_graded": "Not graded: this scenario does not reach the code of exercise {number}, "
    "so it passes whatever that code does.",
    "not_graded": "not graded: does not reach this exercise's code",
})
