"""The library's entry point: a project, its CRM and (lazily) its warehouse connection.
CLI commands are a few lines over this."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.config.profiles import ResolvedTarget, load_target
from toolkit.config.project import Project, ProjectConfig
from toolkit.errors import ConfigError
from toolkit.render import ViewRenderer
from toolkit.source.crm import Crm, default_tables, resolve_crm
from toolkit.source.drift import drift_notes
from toolkit.source.introspect import binding_notes, inspect_source
from toolkit.source.schema import SourceSchema, load_file, write_file

if TYPE_CHECKING:
    from toolkit.warehouse.base import Adapter


class ProjectContext:
    def __init__(
        self, project_dir: Path | str = ".", profiles_dir: Path | str | None = None, target: str | None = None
    ) -> None:
        self.project_dir = Path(project_dir).resolve()
        self.profiles_dir = Path(profiles_dir).resolve() if profiles_dir else None
        self.target_name = target

    @cached_property
    def project(self) -> Project:
        return Project.load(self.project_dir)

    @property
    def config(self) -> ProjectConfig:
        return self.project.config

    #: the source as read from the warehouse in this run (None: not read; bound to the file)
    live_source: SourceSchema | None = None

    @cached_property
    def recorded_source(self) -> SourceSchema | None:
        """source_schema.yml, when the project has one (written by `b2b inspect`)."""
        return load_file(self.project_dir)

    @cached_property
    def crm(self) -> Crm:
        """The CRM bound to the live source when this run has read it, else to source_schema.yml,
        else unbound (every field assumed present, as named)."""
        return resolve_crm(self.config, self.live_source or self.recorded_source)

    def bind_live(self, adapter: Adapter) -> list[str]:
        """Read the source's columns (one metadata query), bind the CRM to them (a missing table or
        required column raises here, before any DDL), and return what to tell the user: the
        optional fields filled with NULLs and the drift from source_schema.yml."""
        live = inspect_source(adapter, self.config, self.target.name)
        crm = resolve_crm(self.config, live)
        self.live_source = live
        self.__dict__["crm"] = crm
        return self._notes(crm, live)

    def _notes(self, crm: Crm, live: SourceSchema) -> list[str]:
        """What binding to the live source did, and what drifted from source_schema.yml."""
        return binding_notes(crm) + drift_notes(self.recorded_source, live, crm)

    def inspect(self) -> tuple[Path, SourceSchema, list[str]]:
        """`b2b inspect`: read the source and write source_schema.yml. A source that the project
        cannot bind to (a missing required column) is still recorded, then reported (exit 2)."""
        with self.adapter() as adapter:
            live = inspect_source(adapter, self.config, self.target.name)
        if not live.tables:
            src = self.config.source
            looked = ", ".join(t for t in default_tables(self.config).values() if t)
            raise ConfigError(
                f"target {self.target.name!r}: no CRM table found in schema "
                f"{'.'.join(p for p in (src.database, src.schema_) if p)!r} (looked for: {looked}); nothing was written",
                hint="set source.schema (and source.database) to where the CRM tables are, or map each object "
                "to its table with source.tables",
            )
        try:
            crm = resolve_crm(self.config, live)
        except ConfigError:
            write_file(self.project_dir, live)  # recorded as found, then reported
            raise
        path = write_file(self.project_dir, replace(live, never_deleted=crm.never_deleted()))
        return path, live, self._notes(crm, live)

    def renderer(self, config: ProjectConfig | None = None) -> ViewRenderer:
        return ViewRenderer(config or self.config, self.crm, self.project_dir)

    @cached_property
    def target(self) -> ResolvedTarget:
        return load_target(self.project.config.profile, self.target_name, self.profiles_dir, self.project_dir)

    def adapter(self) -> Adapter:
        from toolkit.warehouse import adapter_for

        return adapter_for(self.target, base_dir=self.project_dir)
