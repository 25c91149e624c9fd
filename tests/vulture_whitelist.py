"""Names vulture reports as unused that are used where it cannot see (tests/test_unused_code.py).

Each entry says who uses it. A name listed here that becomes really unused is still found by
reading: keep this list short, and never add a name only to silence the check.
"""

# ruff: noqa: B018, F821  (vulture's whitelist format: bare names and attribute accesses)

# click: commands are looked up by name from speckit/cli.py's COMMANDS table (getattr), and click
# calls the overridden methods of its classes.
_.get_command
_.format_commands
_.convert
build_command
checklist_command
check_command
serve_command
graph_command
next_command
done_command
import_command
run_command
specify_command
plan_command
tasks_command
init_command
templates_list
config_get
config_set
show_command
schema_command
lsp_command
mcp_command
completion_command

# Output formats are a table of "module:function" names (speckit/report/formats.py), imported on use.
concise
github
junit
gitlab
sarif
stdio  # speckit lsp --stdio: the documented flag of the only transport

# pygls calls the language server's feature handlers it registered by decorator (speckit/lsp/server.py).
did_open
did_change
did_save
did_close
did_change_files
completion
code_action
document_symbol
workspace_symbol

# The MCP SDK calls the tools it registered by decorator (speckit/mcp/server.py).
next_tasks

# Named by current_feature's docstring: where the current feature is looked up, in order.
SPECKIT_FEATURE_SOURCES

# Model fields no Python code reads: they are the JSON of 'speckit show --format json' and the schema.
entities
edge_cases
assumptions
mvp
schema_version
detail  # speckit/build/verify.py Result: written to checklist-state.json through dataclasses.asdict

# Template variables: templates/tasks.md reads phase.purpose, phase.mvp and phase.empty.
purpose
empty

# ruamel.yaml reads these attributes of its YAML object.
_.default_flow_style
_.preserve_quotes

# python -m speckit.check.docs and tests/check/test_docs.py regenerate docs/rules.md with it.
rules_markdown




# mkdocs calls a hook module's event functions by name (speckit/site/hook.py, named in mkdocs.yml's hooks).
on_pre_build
on_files
on_post_page
on_env
on_page_markdown
on_page_content
on_page_context
_.bytecode_cache  # read by jinja when a template is loaded (hook.on_env sets it)

# jinja calls a BytecodeCache's load_bytecode and dump_bytecode (speckit/site/serving.py).
_.load_bytecode
_.dump_bytecode
on_post_build
# mkdocs' search plugin reads the index the hook keeps between dirty builds.
_.search_index_prev
# Material's search plugin calls generate_search_index(prev) on its index; the hook hands it the
# JSON it made from each page's (speckit/site/hook.py, speckit/site/serving.py).
_.generate_search_index
prev
# logging reads a record's msg, exc_info, exc_text and stack_info (speckit/site/rendering.py sends
# records from forked renderers; those fields are reset so that they pickle).
_.msg
_.exc_info
_.exc_text
_.stack_info
# mkdocs' LiveReloadServer reads build_delay (speckit/site/watching.py).
_.build_delay
