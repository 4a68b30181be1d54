"""Every string a request passes as an argument, with its path and its input type.

One walk for the checks that read arguments before anything runs (the character policy in
api/characters.py, the length limit in api/input_limits.py): literals in the document (inside input
objects and lists too, and variables' default values) and variables, named as the client wrote them
(`input.personId`, `$reasons[1]`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableDefinitionNode,
    Visitor,
    type_from_ast,
    visit,
)

#: (path, the string, its input type or None when the schema does not say)
Found = tuple[str, str, Any]


def _value_strings(value: Any, type_: Any, path: str) -> Iterator[Found]:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(value, str):
        yield path, value, type_
    elif isinstance(value, list):
        item = type_.of_type if isinstance(type_, GraphQLList) else type_
        for i, v in enumerate(value):
            yield from _value_strings(v, item, f"{path}[{i}]")
    elif isinstance(value, dict):
        fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
        for key, v in value.items():
            field = fields.get(key)
            yield from _value_strings(v, field.type if field else None, f"{path}.{key}")


def variable_strings(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> Iterator[Found]:
    """The strings in the variables, typed by the operations' variable definitions."""
    types = {d.variable.name.value: type_from_ast(schema, d.type)
             for op in document.definitions if isinstance(op, OperationDefinitionNode)
             for d in op.variable_definitions or ()}
    for name, value in variables.items():
        yield from _value_strings(value, types.get(name), f"${name}")


def _node_strings(node: ValueNode, path: str, type_: Any) -> Iterator[Found]:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(node, StringValueNode):
        yield path, node.value, type_
    elif isinstance(node, ListValueNode):
        item = type_.of_type if isinstance(type_, GraphQLList) else type_
        for i, v in enumerate(node.values):
            yield from _node_strings(v, f"{path}[{i}]", item)
    elif isinstance(node, ObjectValueNode):
        fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
        for f in node.fields:
            field = fields.get(f.name.value)
            yield from _node_strings(f.value, f"{path}.{f.name.value}", field.type if field else None)


class _Literals(Visitor):
    def __init__(self, type_info: TypeInfo):
        super().__init__()
        self.type_info = type_info
        self.found: list[Found] = []

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> Any:
        if node.default_value is not None:  # a default is a literal too: `query($n: String = "…")`
            self.found += _node_strings(node.default_value, f"${node.variable.name.value}", self.type_info.get_input_type())
        return self.SKIP

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        self.found += _node_strings(node.value, node.name.value, self.type_info.get_input_type())
        return self.SKIP  # the walk above has seen the whole value


def literal_strings(schema: GraphQLSchema, document: DocumentNode) -> list[Found]:
    """The string literals of the document's arguments and of its variables' defaults, each with the
    argument's path (`$name` for a default) and input type."""
    type_info = TypeInfo(schema)
    literals = _Literals(type_info)
    visit(document, TypeInfoVisitor(type_info, literals))
    return literals.found
