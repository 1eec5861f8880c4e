"""SpiffWorkflow script engine that runs every script and expression through ``engine.sandbox``.

``SandboxScriptEngine`` replaces ``PythonScriptEngine`` (which ``exec``-s diagram code in the
server process). Its environment is sandboxed too, because SpiffWorkflow also calls
``script_engine.environment.evaluate`` directly (process completion conditions, message
correlation). Gateway conditions may be JUEL (``${amount > 1000}``); DMN cells are evaluated the
way SpiffWorkflow's DMN engine builds them, with FEEL ``true/false/null`` and ``"a","b"`` lists.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from engine.errors import InvalidValue, ScriptError
from engine.expressions import dmn_to_python, to_python
from engine.sandbox import DEFAULT, Sandbox, compile_expression, compile_script
from engine.spiff.fixes import DEFAULT_MAX_MULTI_INSTANCE
from engine.values import check_plain

_UNSET = object()


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes through ``sandbox``; task data wins over the external context."""

    def __init__(self, sandbox: Sandbox = DEFAULT) -> None:
        super().__init__()
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Any = None) -> Any:
        scope = {**(external_context or {}), **context}
        return compile_expression(to_python(expression)).evaluate(scope, self.sandbox)

    def execute(self, script: str, context: dict, external_context: Any = None) -> bool:
        """Run ``script`` and update ``context`` in place (nothing changes if the script fails)."""
        external = external_context or {}
        result = compile_script(script).execute({**external, **context}, self.sandbox)
        for name in external:
            if name not in context:
                result.pop(name, None)
        _check_result(result, context)
        for name in [name for name in context if name not in result]:
            del context[name]
        context.update(result)
        return True


def _check_result(result: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """What a script set must be storable like any value from outside (finite numbers, bounded depth and size,
    no NUL or lone surrogates): else the script fails, and its task becomes an incident, before anything of it is
    kept."""
    changed = {name: value for name, value in result.items() if before.get(name, _UNSET) is not value}
    try:
        check_plain(changed, "")
    except InvalidValue as err:
        raise ScriptError(f"the script set a value that cannot be stored: {err.detail}") from None


class SandboxScriptEngine(PythonScriptEngine):
    """Drop-in for ``PythonScriptEngine``; failures become ``WorkflowTaskException``."""

    def __init__(self, sandbox: Sandbox = DEFAULT, *, max_multi_instance: int = DEFAULT_MAX_MULTI_INSTANCE) -> None:
        super().__init__(SandboxEnvironment(sandbox))
        self.sandbox = sandbox
        self.max_multi_instance = max_multi_instance  # read by engine.spiff.fixes

    def validate(self, expression: str) -> None:
        """Raise SyntaxError (what SpiffWorkflow's DMN engine expects) or a ScriptError."""
        source = to_python(expression)
        try:
            ast.parse(source, mode="eval")
        except SyntaxError:
            ast.parse(source)  # not an expression: a SyntaxError here propagates
            compile_script(source)
        else:
            compile_expression(source)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            if isinstance(task.task_spec, BusinessRuleTaskMixin):
                expression = dmn_to_python(expression)
            return self.environment.evaluate(expression, task.data, external_context)
        except ScriptError as err:
            raise _task_error(task, err, expression) from err

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context)
        except ScriptError as err:
            raise _task_error(task, err, script) from err


def _task_error(task: Any, err: ScriptError, source: str) -> WorkflowTaskException:
    lines = source.splitlines() if isinstance(source, str) else []
    error_line = lines[err.line - 1] if err.line and 0 < err.line <= len(lines) else None
    error = WorkflowTaskException(str(err), task=task, exception=err, line_number=err.line, error_line=error_line)
    error.exception = err  # SpiffWorkflow keeps only the type name; the runtime wants the error itself
    return error
