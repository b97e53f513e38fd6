"""What a stored record is in the domain: snake-case fields over the document's camelCase keys. Keys the
model does not know are kept as they are, and only the fields a record was read or built with, or later
given, are written back, so a document keeps its shape (a field given None is written as null)."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class StoredRecord(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow", use_enum_values=True)

    def document(self) -> dict[str, Any]:
        """The fields to write, by their stored names; a record's id is its document's name, not a field."""
        return self.model_dump(by_alias=True, exclude_unset=True, exclude={"id"})

    def _with(self, **changes: Any) -> Self:
        """A copy with `changes`, marked as set so they are written back."""
        changed = self.model_copy(update=changes)
        changed.__pydantic_fields_set__.update(changes)
        return changed
