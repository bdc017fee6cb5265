#!/usr/bin/env python3
"""Regenerates the expected outputs the Templates tests compare against.

Run from anywhere: `python3 Tests/TemplatesTests/Fixtures/generate_fixtures.py`.
Needs only `jinja2` (3.x). The environment mirrors what HF transformers builds for chat
templates: ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, loopcontrols),
`tojson` bound to json.dumps(ensure_ascii=False, ...), `raise_exception` and `strftime_now`
globals. `strftime_now` is pinned to NOW so the fixtures are reproducible; the Swift tests pass
the same instant.

Writes features.json (one case per language feature) and real_templates.json (real model chat
templates from templates/ on a few conversations). Each case holds the template, the context
(as JSON, dict order kept), and either `expected` output or the jinja2 `error` class name.
"""
import datetime
import json
import os

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = datetime.datetime(2024, 7, 26, 12, 0, 0)  # the Swift tests use 2024-07-26T12:00:00Z


def make_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


ENV = make_env()


def run(name, template, context):
    case = {"name": name, "template": template, "context": context}
    try:
        case["expected"] = ENV.from_string(template).render(**context)
    except jinja2.exceptions.TemplateSyntaxError as e:
        case["error"] = "TemplateSyntaxError"
        case["error_line"] = e.lineno
    except Exception as e:  # noqa: BLE001 - the class name is the fixture
        case["error"] = type(e).__name__
        case["message"] = str(e)
    return case


# Known divergence, not covered here: this interpreter has no tuple type, so a tuple prints as a
# list ("[1, 2]" where Python prints "(1, 2)"); tojson, iteration and unpacking are unaffected.

DATA = {
    "d": {"x": {"z": 1}, "b": 2},
    "xs": [{"a": 1, "b": "é\n"}, 2.0, None, True],
    "users": [{"name": "ann", "age": 31, "role": "admin"}, {"name": "Bob", "age": 25},
              {"name": "cy", "age": 40, "role": "user"}],
}

FEATURES = [
    # text, comments, whitespace control, HF's trim_blocks/lstrip_blocks
    ("plain_text", "Hello, world!\n", {}),
    ("trailing_newline_dropped", "a\n\n", {}),
    ("comment", "a{# hidden #}b", {}),
    ("ws_minus_both", "a  {{- 'b' -}}  c", {}),
    ("ws_block_minus", "x\n  {%- if true -%}\n  y  \n{%- endif %}\nz", {}),
    ("trim_and_lstrip", "  {% if true %}\n  a\n  {% endif %}\n  b  {# c #}\n  {# d #}\nz", {}),
    ("lstrip_at_start", "  {% if true %}x{% endif %}", {}),
    ("lstrip_after_trimmed_newline", "{% if true %}\n  {% if true %}y{% endif %}{% endif %}", {}),
    ("no_lstrip_mid_line", "{{ 'a' }}  {% if true %}b{% endif %}", {}),
    ("no_lstrip_for_variables", "x\n  {{ 1 }}\n", {}),
    ("plus_disables", "x {%+ if true %}y{% endif +%}\nz", {}),
    ("crlf_normalised", "x\r\n{% if true %}\r\ny{% endif %}", {}),
    ("raw_block", "{% raw %}\n  {{ a }} {% if %}\n{% endraw %}\nz", {}),
    ("raw_minus", "a\n {%- raw -%} x {%- endraw %}\nq", {}),
    ("nested_braces", "{{ {'a': {'b': 1}} }}", {}),
    # literals
    ("string_escapes", "{{ 'a\\tb\\u00e9\\x41\\\\' }}|{{ \"q\\\"q\" }}|{{ 'x' 'y' }}", {}),
    ("numbers", "{{ 1_000 }} {{ 1e3 }} {{ 1.5e-3 }} {{ 42 }} {{ 0.1 }} {{ 1e20 }} {{ 1234567890123456.0 }} {{ 0.00001 }}", {}),
    ("constants", "{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}", {}),
    ("containers_repr", "{{ [1, 'a', none, true, 1.5] }} {{ {'a': 1, 'b': [2]} }} {{ ['it\\'s'] }} {{ [\"q\\n\"] }}", {}),
    ("tuple_and_list", "{{ (1, 2)|list }} {{ [] }} {{ {} }} {{ [1, 2,] }}", {}),
    # variables and access
    ("attribute_item", "{{ xs[0].a }} {{ xs[0]['a'] }} {{ xs.0.a }} {{ xs[-1] }} {{ d['x']['z'] }} {{ d.x.z }}", DATA),
    ("missing_is_empty", "[{{ nope }}][{{ d.nope }}][{{ xs[10] }}][{{ d.x.y is defined }}]", DATA),
    ("undefined_attribute_errors", "{{ nope.attr }}", {}),
    ("undefined_call_errors", "{{ nope() }}", {}),
    ("undefined_chained_attribute_errors", "{{ d.x.y.z }}", DATA),
    ("undefined_arith_errors", "{{ nope + 1 }}", {}),
    ("undefined_concat_ok", "{{ nope ~ 'x' }}|{{ nope | length }}|{{ nope | default('dflt') }}", {}),
    ("slices", "{{ 'abc'[::-1] }} {{ [1,2,3][1:] }} {{ [1,2,3][:-1] }} {{ 'hello'[1:4] }} {{ [1,2,3,4,5][::2] }} {{ [1,2,3][5:] }} {{ 'abc'[-1] }}", {}),
    ("none_prints_None", "{{ none }}|{{ xs[2] }}|{{ [nope] }}", DATA),
    # arithmetic and operators
    ("arith", "{{ 7 / 2 }} {{ 6 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.0 // 2 }} {{ 7 % 2.5 }} {{ 1 + 2 * 3 - 4 / 2 }} {{ -2 ** 2 }} {{ true + 1 }}", {}),
    ("concat_and_plus", "{{ 'a' ~ 1 ~ none ~ true }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ 'x' * 3 }} {{ [1] * 2 }} {{ 'ab' ~ 'cd' | upper }}", {}),
    ("comparisons", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1,2] < [1,3] }} {{ 1 < 2 < 3 }} {{ 2 > 1 == 1 }} {{ 1 != 2 }} {{ nope == other }}", {}),
    ("membership", "{{ not 1 in [1] }} {{ 1 not in [1] }} {{ 'a' in 'cat' }} {{ 'a' in {'a': 1} }} {{ '' in 'x' }} {{ 3 in [1, 2] }}", {}),
    ("logic", "{{ true and 'x' }} {{ false or 'y' }} {{ 0 or none }} {{ [] and 1 }} {{ not none }} {{ 1 and 2 or 3 }}", {}),
    ("conditional_expr", "{{ 'a' if true else 'b' }}|{{ 'x' if false }}|{{ (1 if true else 2) + 1 }}|{{ 'p' if 0 else 'q' if 1 else 'r' }}", {}),
    ("percent_format", "{{ '%s is %d' % ('a', 3) }} {{ '%05.2f|%-4s|%x' % (3.14159, 'ab', 255) }} {{ '%(k)s' % {'k': 'v'} }} {{ '100%%' % () }}", {}),
    ("division_by_zero", "{{ 1 / 0 }}", {}),
    ("type_error", "{{ 1 < 'a' }}", {}),
    # statements
    ("if_elif_else", "{% for v in [1, 2, 3] %}{% if v == 1 %}one{% elif v == 2 %}two{% else %}many{% endif %},{% endfor %}", {}),
    ("for_loop_vars", "{% for i in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", {}),
    ("for_prev_next", "{% for i in [1, 2, 3] %}[{{ loop.previtem }}|{{ loop.nextitem }}]{% endfor %}", {}),
    ("for_filtered", "{% for i in range(6) if i is odd %}{{ i }}:{{ loop.index }}/{{ loop.length }} {% endfor %}", {}),
    ("for_else", "{% for i in [] %}x{% else %}empty{% endfor %}{% for i in [1] %}y{% else %}z{% endfor %}", {}),
    ("for_unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k, v in d|items %}{{ k }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", DATA),
    ("for_nested_depth", "{% for a in [[1, 2], [3]] %}{% for b in a %}{{ b }}@{{ loop.depth }}{{ loop.index }} {% endfor %}|{{ loop.index }}{% endfor %}", {}),
    ("loop_cycle", "{% for i in range(5) %}{{ loop.cycle('a', 'b') }}{% endfor %}", {}),
    ("break_continue", "{% for i in range(10) %}{% if i == 6 %}{% break %}{% endif %}{% if i is even %}{% continue %}{% endif %}{{ i }}{% endfor %}", {}),
    ("loop_scope", "{% set x = 1 %}{% for i in range(3) %}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("loop_scope_fresh_each_iteration", "{% for i in range(3) %}{% if i == 0 %}{% set y = 5 %}{% endif %}[{{ y }}]{% endfor %}[{{ y }}]", {}),
    ("if_does_not_scope", "{% if true %}{% set y = 3 %}{% endif %}{{ y }}", {}),
    ("set_forms", "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t %}ab{{ 1 }}{% endset %}[{{ t }}]{% set u | upper %}x{% endset %}{{ u }}", {}),
    ("namespace", "{% set ns = namespace(x=1, found=false) %}{% for i in range(3) %}{% set ns.x = ns.x + i %}{% if i == 1 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.x }} {{ ns.found }} {% set ns.new = 'n' %}{{ ns.new }}", {}),
    ("set_attr_on_non_namespace", "{% set d.x = 1 %}", DATA),
    ("macro_basic", "{% macro f(a, b=2) %}{{ a }}-{{ b }}-{{ varargs|list }}-{{ kwargs }}{% endmacro %}{{ f(1) }}|{{ f(1, b=3) }}|{{ f(1, 2, 3) }}|{{ f(a='k') }}", {}),
    ("macro_recursion", "{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}", {}),
    ("macro_sees_late_globals", "{% set g = 1 %}{% macro f() %}{{ g }}{% endmacro %}{% set g = 2 %}{{ f() }}", {}),
    ("call_block", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold{% endcall %}", {}),
    ("filter_block", "{% filter upper %}hi {{ 'x' }}{% endfilter %}|{% filter replace('a', 'o') | title %}a cat{% endfilter %}", {}),
    # tests
    ("tests_types", "{{ 'x' is string }} {{ 1 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.0 is float }} {{ d is mapping }} {{ xs is mapping }} {{ d is iterable }} {{ 'x' is iterable }} {{ 1 is iterable }} {{ xs is sequence }} {{ true is boolean }} {{ 1 is boolean }}", DATA),
    ("tests_values", "{{ none is none }} {{ nope is none }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 'a' is equalto 'a' }} {{ 2 is gt 1 }} {{ 1 is in [1, 2] }} {{ 'x' is lower }} {{ 'X' is upper }} {{ range is callable }} {{ 2 is callable }}", {}),
    ("tests_defined", "{{ nope is defined }} {{ nope is undefined }} {{ d is defined }} {{ d.nope is defined }} {{ d.x is not none }} {{ nope is not defined and d is defined }}", DATA),
    # filters
    ("filter_string_case", "{{ ' x '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ 'Ab'|upper }}{{ 'Ab'|lower }}|{{ 'hELLO wORLD'|capitalize }}|{{ 'hello world-wide (x)'|title }}", {}),
    ("filter_length", "{{ xs|length }} {{ 'héllo'|length }} {{ d|count }} {{ []|length }}", DATA),
    ("filter_first_last", "{{ [1, 2]|first }} {{ [1, 2]|last }} {{ 'abc'|first }} {{ []|first }}", {}),
    ("filter_join", "{{ [1, 2]|join(',') }} {{ ['a', 'b']|join }} {{ users|join(', ', attribute='name') }}", DATA),
    ("filter_default", "{{ none|default('x') }} {{ nope|default('x') }} {{ ''|default('x', true) }} {{ nope|d('y') }} {{ 0|d(5) }} {{ nope|default }}", {}),
    ("filter_replace", "{{ 'a b'|replace(' ', '_') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'ab'|replace('', '-') }}", {}),
    ("filter_tojson", "{{ xs|tojson }}|{{ d|tojson(indent=2) }}|{{ [1, [2, {}], []]|tojson(indent=1) }}|{{ 'é\"\\\\'|tojson }}|{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}|{{ [1, 2]|tojson(separators=(',', ':')) }}|{{ 'é'|tojson(ensure_ascii=true) }}", DATA),
    ("filter_conversions", "{{ 3|string }} {{ [1]|string }} {{ '3'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '3.5'|int }} {{ 3.9|int }} {{ '3.5'|float }} {{ 3|float }} {{ 'q'|float }} {{ true|int }}", {}),
    ("filter_list_items", "{{ 'abc'|list }} {{ d|list }} {{ d|items|list|tojson }} {{ range(3)|list }}", DATA),
    ("filter_map", "{{ users|map(attribute='name')|list }} {{ users|map(attribute='role', default='none')|list }} {{ ['a', 'b']|map('upper')|list }} {{ [1.6, 2.4]|map('round')|list }}", DATA),
    ("filter_select", "{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ [0, 1, '', 'a']|select|list }} {{ [1, 5, 9]|select('gt', 4)|list }}", {}),
    ("filter_selectattr", "{{ users|selectattr('role')|map(attribute='name')|list }} {{ users|rejectattr('role')|map(attribute='name')|list }} {{ users|selectattr('role', 'equalto', 'user')|list }} {{ users|selectattr('role', 'defined')|list|length }} {{ users|selectattr('age', 'gt', 30)|map(attribute='name')|join(',') }}", DATA),
    ("filter_unique", "{{ [1, 2, 2, 1]|unique|list }} {{ ['A', 'a', 'b']|unique|list }} {{ ['A', 'a']|unique(case_sensitive=true)|list }}", {}),
    ("filter_numbers", "{{ -3|abs }} {{ -2.5|abs }} {{ 2.567|round(1) }} {{ 2.5|round }} {{ 3.5|round }} {{ 3|round }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(method='floor') }}", {}),
    ("filter_escape_safe", "{{ '<a href=\"x\">&\\'</a>'|e }} {{ '<b>'|escape }} {{ '<b>'|safe }}", {}),
    ("filter_indent", "[{{ 'a\\nb\\n\\nc'|indent(2) }}][{{ 'a\\nb'|indent(2, true) }}][{{ 'a\\n\\nb'|indent(width=1, blank=true) }}][{{ 'x\\n'|indent }}]", {}),
    ("filter_wordcount", "{{ 'a b  c'|wordcount }} {{ 'hello, world_1!'|wordcount }}", {}),
    ("filter_dictsort_sort", "{{ {'b': 1, 'a': 2, 'C': 0}|dictsort|tojson }} {{ {'b': 1, 'a': 2}|dictsort(by='value')|tojson }} {{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c']|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ users|sort(attribute='age')|map(attribute='name')|list }}", DATA),
    ("filter_misc", "{{ [1, 2, 3]|sum }} {{ [1, 2, 3]|max }} {{ ['b', 'A']|min }} {{ [1, 2]|reverse|list }} {{ 'abc'|reverse }} {{ users|sum(attribute='age') }} {{ '%s-%s'|format(1, 'x') }} {{ [1, 2, 3, 4, 5]|batch(2)|list }}", DATA),
    ("filter_unknown", "{{ 1|nosuchfilter }}", {}),
    # methods
    ("str_methods", "{{ 'Hello World'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }} {{ ' x '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'xxaxx'.rstrip('x') }} {{ 'abc'.startswith('a') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.endswith('c') }} {{ 'ab'.upper() }} {{ 'AB'.lower() }} {{ 'they\\'re here'.title() }} {{ 'aXb'.replace('X', '-') }}", {}),
    ("str_methods_more", "{{ 'a{}b{}'.format(1, 'x') }} {{ '{0}{0}{name}'.format('r', name='n') }} {{ ', '.join(['a', 'b']) }} {{ 'banana'.count('a') }} {{ 'banana'.find('n') }} {{ 'abc'.find('z') }} {{ 'hello'.capitalize() }} {{ '12'.isdigit() }} {{ 'a\\nb\\n'.splitlines() }} {{ 'a b c'.rsplit(' ', 1) }}", {}),
    ("dict_methods", "{{ d.get('x') }} {{ d.get('q', 5) }} {{ d.get('q') }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list|tojson }}", DATA),
    ("list_mutation_refused", "{% set l = [1] %}{{ l.append(2) }}", {}),
    ("list_methods", "{{ [1, 2, 1].count(1) }} {{ ['a', 'b'].index('b') }}", {}),
    # dictionary keys: what Python hashes (1, 1.0 and True are one key; the first spelling stays)
    ("dict_int_keys", "{{ {1: 'a', 2: 'b'}[1] }}|{{ {1: 'a'}['1'] }}|{{ {1: 'a', True: 'b', 1.0: 'c'} }}|{{ {none: 1, 2.5: 'x'} }}", {}),
    ("dict_int_keys_iterate", "{% for k in {1: 'a', 'x': 2} %}{{ k }},{% endfor %}|{{ {1: 'a', 'x': 2}|items|list|tojson }}|{{ {2: 'a', 1: 'b'}|dictsort|tojson }}", {}),
    ("dict_int_keys_methods", "{{ 1 in {1: 'a'} }} {{ '1' in {1: 'a'} }} {{ {1: 'a'}.get(1) }} {{ {1: 'a'}.get(2, 'z') }} {{ {1: 'a'}.keys()|list }}", {}),
    ("dict_int_keys_tojson", "{{ {1: 'a', 'b': 2, none: 3, true: 4}|tojson }} {{ {2: 'a', 1: 'b'}|tojson(sort_keys=true) }}", {}),
    ("dict_unhashable_key", "{{ {[1]: 'a'} }}", {}),
    ("dict_loop_unpack_int_keys", "{% for k, v in {3: 'c', 1: 'a'}.items() %}{{ k + 1 }}={{ v }};{% endfor %}", {}),
    # markupsafe: `safe` and `escape` make Markup; `+` and `%` escape the plain side, `~` does not
    ("markup_add_escapes", "{{ ('<a>'|safe) + '<b>' }}|{{ '<b>' + ('<a>'|safe) }}|{{ ('<a>'|e) + '<b>' }}|{{ ('<a>'|safe) + ('<b>'|safe) }}", {}),
    ("markup_concat_plain", "{{ ('<a>'|safe) ~ '<b>' }}|{{ '<b>' ~ ('<a>'|safe) ~ '&' }}|{{ (('<a>'|safe) ~ 1) }}", {}),
    ("markup_kept_by_filters", "{{ ('<a>'|safe|upper) + '<b>' }}|{{ ('<a>'|safe)|trim + '<' }}|{{ ('<a>'|safe|string) + '<' }}|{{ ('<a>'|safe|replace('a','<')) + '<' }}", {}),
    ("markup_methods", "{{ ('<a>'|safe).replace('a', '<') + '<' }}|{{ ('<a> b'|safe).split()[0] + '&' }}|{{ ('<a>'|safe).startswith('<') }}", {}),
    ("markup_format", "{{ ('%s<'|safe) % '<x>' }}|{{ ('%s|%s'|safe) % ('<', '<'|safe) }}|{{ '%s<'|safe|format('&') }}", {}),
    ("markup_no_double_escape", "{{ '<a>'|e|e }}|{{ '<a>'|e|forceescape }}|{{ ('<a>'|safe) * 2 }}|{{ ('<a>'|safe)|length }}|{{ ('<a>'|safe) == '<a>' }}", {}),
    ("markup_tests_json", "{{ ('<a>'|safe) is string }} {{ ('<a>'|safe) is escaped }} {{ '<a>' is escaped }} {{ ('<a>'|safe)|tojson }} {{ ['<a>', ('<b>'|safe)]|join('<') }}", {}),
    ("markup_plus_number", "{{ ('<a>'|safe) + 1 }}", {}),
    # generators: map, select, unique, items, batch... are walked once and have no length or JSON form
    ("generator_list_join", "{{ ['a', 'b']|map('upper')|list }} {{ ['a', 'b']|map('upper')|join(',') }} {{ ['a', 'b']|map('upper')|first }} {{ ['b', 'a']|map('upper')|sort }}", {}),
    ("generator_walked_once", "{% set g = ['a', 'b']|map('upper') %}{{ g|list }}{{ g|list }}", {}),
    ("generator_truthy", "{% if []|select %}yes{% else %}no{% endif %} {% if [0]|select %}yes{% else %}no{% endif %}", {}),
    ("generator_tests", "{{ ['a']|map('upper') is sequence }} {{ ['a']|map('upper') is iterable }} {{ 'A' in ['a']|map('upper') }} {{ (['a']|map('upper'))[0] is defined }}", {}),
    ("generator_reverse", "{{ ['a', 'b']|map('upper')|reverse|list }} {{ ['a', 'b']|reverse|list }} {{ 'ab'|reverse }}", {}),
    ("generator_tojson_fails", "{{ ['a', 'b']|map('upper')|tojson }}", {}),
    ("generator_select_tojson_fails", "{{ users|selectattr('role')|tojson }}", DATA),
    ("generator_unique_tojson_fails", "{{ ['a', 'A']|unique|tojson }}", {}),
    ("generator_length_fails", "{{ ['a', 'b']|select|length }}", {}),
    ("generator_count_fails", "{{ users|map(attribute='name')|count }}", DATA),
    ("generator_last_fails", "{{ ['a', 'b']|map('upper')|last }}", {}),
    ("generator_add_fails", "{{ (['a']|map('upper')) + ['b'] }}", {}),
    ("items_filter_tojson_fails", "{{ d|items|tojson }}", DATA),
    ("reverse_tojson_fails", "{{ [1, 2]|reverse|tojson }}", {}),
    ("dict_views", "{{ d.items()|list|tojson }} {{ d.keys()|length }} {{ d.values()|list }} {{ 'b' in d.keys() }} {% if {}.keys() %}y{% else %}n{% endif %} {{ d.keys()|last }}", DATA),
    ("dict_view_tojson_fails", "{{ d.keys()|tojson }}", DATA),
    # globals
    ("range", "{{ range(3)|list }} {{ range(1, 4)|list }} {{ range(10, 0, -3)|list }} {{ range(0)|list }}", {}),
    ("raise_exception", "{% if true %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}", {}),
    ("raise_not_evaluated", "{{ raise_exception('boom') if false else 'ok' }}", {}),
    ("strftime_now", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %p %I %y') }}", {}),
    ("dict_global", "{{ dict(a=1, b='x') }} {{ namespace(a=1).a }}", {}),
    # syntax errors
    ("syntax_unclosed_tag", "line one\n{% if x %}unfinished", {}),
    ("syntax_bad_expression", "ok\n\n{{ 1 + }}", {}),
    ("syntax_unknown_tag", "{% frobnicate %}", {}),
    ("syntax_unclosed_string", "{{ 'abc }}", {}),
    ("syntax_stray_end", "a\n{% endif %}", {}),
]


def user(c):
    return {"role": "user", "content": c}


def assistant(c):
    return {"role": "assistant", "content": c}


def system(c):
    return {"role": "system", "content": c}


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Zürich"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}

TOOL_CALL_TURN = {"role": "assistant", "content": "",
                  "tool_calls": [{"type": "function",
                                  "function": {"name": "get_weather",
                                               "arguments": {"city": "Paris", "unit": "celsius"}}}]}
TOOL_RESULT = {"role": "tool", "content": "{\"temperature\": 21}"}

BASIC = [system("You are a terse assistant."), user("Hi there!")]
MULTI = [system("  Be brief.  "), user("What is 2+2?"), assistant("4"), user("And 3+3?  ")]
NO_SYSTEM = [user("Hello"), assistant("Hello! How can I help?"), user("Tell me a joke.")]
UNICODE = [user("Grüße, 世界! 🚀\nNew line\ttab")]

COMMON_CASES = [
    ("basic_gen", BASIC, True, {}),
    ("basic_nogen", BASIC, False, {}),
    ("multi_turn", MULTI, True, {}),
    ("no_system", NO_SYSTEM, True, {}),
    ("unicode", UNICODE, False, {}),
]

TOOL_CASES = [
    ("tools", [system("You can call tools."), user("Weather in Paris?")], True, {"tools": [WEATHER_TOOL]}),
    ("tool_round_trip", [user("Weather in Paris?"), TOOL_CALL_TURN, TOOL_RESULT], True, {"tools": [WEATHER_TOOL]}),
]

REAL = {
    "smollm2.jinja": COMMON_CASES,
    "llama3.jinja": COMMON_CASES,
    "llama3.1.jinja": COMMON_CASES + TOOL_CASES + [
        ("tools_in_system", [system("Sys."), user("Weather?")], True,
         {"tools": [WEATHER_TOOL], "tools_in_user_message": False, "date_string": "01 Jan 2025"}),
        ("builtin_tools", [user("Search for cats")], True, {"builtin_tools": ["brave_search", "code_interpreter"]}),
        ("tools_without_user", [system("Sys.")], True, {"tools": [WEATHER_TOOL]}),
    ],
    "llama3.2.jinja": COMMON_CASES + TOOL_CASES,
    "qwen2.5.jinja": COMMON_CASES + TOOL_CASES + [
        ("parallel_tools", [user("Paris and Rome?"),
                            {"role": "assistant", "content": None, "tool_calls": [
                                {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                                {"function": {"name": "get_weather", "arguments": {"city": "Rome"}}}]},
                            {"role": "tool", "content": "20"}, {"role": "tool", "content": "25"}], True,
         {"tools": [WEATHER_TOOL]}),
    ],
    "qwen3.jinja": COMMON_CASES + TOOL_CASES + [
        ("think_history", [user("Q1"), assistant("<think>\nreasoning one\n</think>\n\nA1"), user("Q2"),
                           assistant("<think>\nr2\n</think>\n\nA2")], False, {}),
        ("think_last_turn", [user("Q1"), assistant("<think>\nhmm\n</think>\n\nAnswer")], False, {}),
        ("reasoning_content", [user("Q"), {"role": "assistant", "content": "A", "reasoning_content": "because"}],
         False, {}),
        ("enable_thinking_false", [user("Q")], True, {"enable_thinking": False}),
        ("multi_step_tool", [user("Weather?"), TOOL_CALL_TURN,
                             {"role": "tool", "content": "sunny"},
                             assistant("<think>\nok\n</think>\n\nIt is sunny.")], True, {"tools": [WEATHER_TOOL]}),
    ],
    "gemma3.jinja": COMMON_CASES + [
        ("multimodal", [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": " Describe. "}]}],
         True, {}),
        ("bad_alternation", [user("a"), user("b")], True, {}),
    ],
}


def main():
    features = [run(name, tpl, ctx) for name, tpl, ctx in FEATURES]
    with open(os.path.join(HERE, "features.json"), "w", encoding="utf-8") as f:
        json.dump(features, f, ensure_ascii=False, indent=1)
        f.write("\n")

    real = []
    for file, cases in REAL.items():
        with open(os.path.join(HERE, "templates", file), encoding="utf-8") as f:
            source = f.read()
        for name, messages, agp, extra in cases:
            ctx = {"messages": messages, "add_generation_prompt": agp, "bos_token": "<BOS>", "eos_token": "<EOS>"}
            ctx.update(extra)
            case = run(name, source, ctx)
            del case["template"]
            case["file"] = file
            real.append(case)
    with open(os.path.join(HERE, "real_templates.json"), "w", encoding="utf-8") as f:
        json.dump(real, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(features)} feature cases, {len(real)} real-template cases")


if __name__ == "__main__":
    main()
